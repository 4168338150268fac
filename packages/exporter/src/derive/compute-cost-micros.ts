import { createRequire } from 'node:module';
import type { Provider } from '@mosaicstack/telemetry-semconv';
import type * as GenaiPrices from '@pydantic/genai-prices';
import { priceProviderId } from './price-provider-id.js';
import type { UsageBreakdown } from './usage-breakdown.js';

/** The schema's bounds of `actual_cost_usd_micros` and `estimated_cost_usd_micros`. */
const MAX_COST_MICROS = 100_000_000;

/** The schema's bound on a model name; longer names are cut before matching. */
const MAX_MODEL_LENGTH = 100;

let priceTable: typeof GenaiPrices | undefined;

/**
 * The price table, loaded at the first price asked for: it is about 0.5 MB of JavaScript and
 * 2 MB of heap, which a process that never prices (the devserver's own API) does not pay.
 */
function loadPriceTable(): typeof GenaiPrices {
  priceTable ??= createRequire(import.meta.url)('@pydantic/genai-prices') as typeof GenaiPrices;
  return priceTable;
}

/** A token count as the price table takes it: a finite count, else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The request's time as a valid `Date`, the current time when it is not one. */
function priceDate(at: Date | number): Date {
  const ms = at instanceof Date ? at.getTime() : at;
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : new Date();
}

/**
 * The cost in USD micros (rounded, clamped to 0..100,000,000) of one model request, priced by the
 * bundled `@pydantic/genai-prices` table as it stood at the request's time (dated and tiered
 * prices, cache reads and writes at their own rates), or `undefined` when the table knows no
 * price for that provider and model. Never fetches price updates and never throws.
 */
export function computeCostMicros(
  provider: Provider,
  model: string,
  usage: UsageBreakdown,
  at: Date | number,
): number | undefined {
  const providerId = priceProviderId(provider);
  if (providerId === undefined || typeof model !== 'string') return undefined;
  const name = model
    .trim()
    .replace(/^models\//, '')
    .slice(0, MAX_MODEL_LENGTH);
  if (name === '') return undefined;
  const cacheRead = count(usage?.cacheReadTokens);
  const cacheWrite = count(usage?.cacheWriteTokens);
  const output = count(usage?.outputTokens);
  try {
    const price = loadPriceTable().calcPrice(
      {
        input_tokens: count(usage?.uncachedInputTokens) + cacheRead + cacheWrite,
        cache_read_tokens: cacheRead,
        cache_write_tokens: cacheWrite,
        output_tokens: output,
        output_reasoning_tokens: Math.min(count(usage?.reasoningTokens), output),
      },
      name,
      providerId === null ? { timestamp: priceDate(at) } : { providerId, timestamp: priceDate(at) },
    );
    if (price === null || !Number.isFinite(price.total_price)) return undefined;
    return Math.min(MAX_COST_MICROS, Math.max(0, Math.round(price.total_price * 1_000_000)));
  } catch {
    return undefined;
  }
}

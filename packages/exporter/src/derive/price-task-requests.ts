import { MAX_COST_USD_MICROS, type Provider } from '@mosaicstack/telemetry-semconv';
import { computeCostMicros } from './compute-cost-micros.js';
import type { RequestUsage } from './usage-breakdown.js';

/** A task's computed cost, and the models that had no price. */
export interface TaskPrice {
  /** The sum of the priced requests, in USD micros, clamped to the schema's maximum. */
  readonly costMicros: number;
  /** `provider/model` of each request of tokens the price table knows no price for (once each). */
  readonly unpriced: readonly string[];
}

/**
 * Prices a task's model requests one by one (`computeCostMicros`, at each request's time, model
 * and breakdown) and sums them; a request without a model or provider of its own is priced as the
 * task's. A request of no tokens costs nothing; one whose model has no price counts 0 and is named
 * in `unpriced`.
 */
export function priceTaskRequests(
  requests: readonly RequestUsage[],
  taskModel: string | undefined,
  taskProvider: Provider | undefined,
): TaskPrice {
  let total = 0;
  let unpriced: string[] | undefined;
  for (const r of requests) {
    if (r.uncachedInputTokens + r.cacheReadTokens + r.cacheWriteTokens + r.outputTokens <= 0) {
      continue;
    }
    const model = r.model ?? taskModel;
    const provider = r.provider ?? taskProvider ?? 'unknown';
    const micros = model === undefined ? undefined : computeCostMicros(provider, model, r, r.atMs);
    if (micros !== undefined) {
      total += micros;
      continue;
    }
    const name = `${provider}/${model ?? 'unknown'}`;
    unpriced ??= [];
    if (!unpriced.includes(name)) unpriced.push(name);
  }
  return { costMicros: Math.min(total, MAX_COST_USD_MICROS), unpriced: unpriced ?? [] };
}

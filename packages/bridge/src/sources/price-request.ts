import type { Provider } from '@mosaicstack/telemetry-semconv';
import { computeCostMicros, type UsageBreakdown } from '../model/exporter-core.js';

/** A request's priced cost: micros (0 when unknown) and whether its model had no price. */
export interface RequestPrice {
  readonly costMicros: number;
  readonly uncosted: boolean;
}

/**
 * One model request priced from its token breakdown at its time (`computeCostMicros`); a model
 * the price table does not know costs 0 and is marked uncosted. A request of no tokens is not
 * priced (undefined).
 */
export function priceRequest(
  provider: Provider | undefined,
  model: string | undefined,
  usage: UsageBreakdown,
  atMs: number,
): RequestPrice | undefined {
  const tokens =
    usage.uncachedInputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
  if (tokens <= 0) return undefined;
  const micros =
    model === undefined ? undefined : computeCostMicros(provider ?? 'unknown', model, usage, atMs);
  return micros === undefined
    ? { costMicros: 0, uncosted: true }
    : { costMicros: micros, uncosted: false };
}

import { logger } from '../otel/diag-logger.js';

/** Options of `MosaicPredictions` beyond the shared telemetry config. */
export interface MosaicPredictionsOptions {
  /**
   * How long after its TTL a cached prediction is still returned by `get()` while one background
   * refresh fetches a new one, in ms; 0 turns stale-while-revalidate off.
   * @default 0
   * @example 3_600_000
   */
  staleWhileRevalidateMs?: number;
  /**
   * Most predictions kept; the oldest is evicted first.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * First backoff ceiling of retried requests in ms; doubles per retry.
   * @default 1000
   */
  retryBaseDelayMs?: number;
}

/** Defaults of `MosaicPredictionsOptions`. */
export const PREDICTIONS_OPTION_DEFAULTS = {
  staleWhileRevalidateMs: 0,
  maxEntries: 10_000,
  retryBaseDelayMs: 1000,
} as const;

const RULES = {
  staleWhileRevalidateMs: { min: 0, max: 2_592_000_000 },
  maxEntries: { min: 1, max: 1_000_000 },
  retryBaseDelayMs: { min: 0, max: 60_000 },
} as const;

/** The decided options; `valid` is false when any was wrong (each problem is logged once). */
export interface ResolvedPredictionsOptions {
  readonly valid: boolean;
  readonly staleWhileRevalidateMs: number;
  readonly maxEntries: number;
  readonly retryBaseDelayMs: number;
}

const reported = new Set<string>();

/**
 * Checks the predictions options like `resolveConfig` checks the config: a bad value makes the
 * helper run disabled, and is logged (once per process) when telemetry was switched on.
 */
export function resolvePredictionsOptions(
  options: MosaicPredictionsOptions | undefined,
  switchedOn: boolean,
): ResolvedPredictionsOptions {
  const given: MosaicPredictionsOptions =
    typeof options === 'object' && options !== null ? options : {};
  const problems: string[] = [];
  if (options !== undefined && given !== options) problems.push('options: expected an object');
  const pick = (name: keyof typeof RULES): number => {
    const value = given[name];
    const fallback = PREDICTIONS_OPTION_DEFAULTS[name];
    if (value === undefined) return fallback;
    const { min, max } = RULES[name];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
      return value;
    }
    problems.push(
      `${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}; fix the option or remove it to use the default ${fallback}`,
    );
    return fallback;
  };
  const resolved = {
    valid: true,
    staleWhileRevalidateMs: pick('staleWhileRevalidateMs'),
    maxEntries: pick('maxEntries'),
    retryBaseDelayMs: pick('retryBaseDelayMs'),
  };
  if (switchedOn) {
    for (const problem of problems) {
      if (reported.has(problem)) continue;
      reported.add(problem);
      logger.warn(`invalid predictions option, MosaicPredictions runs disabled: ${problem}`);
    }
  }
  return { ...resolved, valid: problems.length === 0 };
}

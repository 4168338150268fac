import { checkInt } from '../config/int-rule.js';
import { logger } from '../otel/diag-logger.js';
import { createLogOnce } from '../otel/log-once.js';

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
   * Most bytes the cached predictions may hold, as estimated from their strings plus a fixed
   * overhead per entry (each string of an answer is also cut to a fixed length); the oldest are
   * evicted first.
   * @default 8388608
   * @example 1_048_576
   */
  maxBytes?: number;
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
  maxBytes: 8 * 1024 * 1024,
  retryBaseDelayMs: 1000,
} as const;

const RULES = {
  staleWhileRevalidateMs: { min: 0, max: 2_592_000_000 },
  maxEntries: { min: 1, max: 1_000_000 },
  maxBytes: { min: 65_536, max: 1_073_741_824 },
  retryBaseDelayMs: { min: 0, max: 60_000 },
} as const;

/** The decided options; `valid` is false when any was wrong (each problem is logged once). */
export interface ResolvedPredictionsOptions {
  readonly valid: boolean;
  readonly staleWhileRevalidateMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly retryBaseDelayMs: number;
}

const logOnce = createLogOnce();

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
  const pick = (name: keyof typeof RULES): number =>
    checkInt(name, given[name], RULES[name], PREDICTIONS_OPTION_DEFAULTS[name], problems);
  const resolved = {
    valid: true,
    staleWhileRevalidateMs: pick('staleWhileRevalidateMs'),
    maxEntries: pick('maxEntries'),
    maxBytes: pick('maxBytes'),
    retryBaseDelayMs: pick('retryBaseDelayMs'),
  };
  if (switchedOn) {
    for (const problem of problems) {
      logOnce(problem, () =>
        logger.warn(`invalid predictions option, MosaicPredictions runs disabled: ${problem}`),
      );
    }
  }
  return { ...resolved, valid: problems.length === 0 };
}

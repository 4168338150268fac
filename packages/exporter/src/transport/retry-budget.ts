/** Largest backoff between retries, and largest `Retry-After` honoured (docs/wire-protocol.md). */
export const MAX_BACKOFF_MS = 60_000;
/** First backoff ceiling; it doubles per retry (docs/wire-protocol.md). */
export const BASE_BACKOFF_MS = 1000;

/** What bounds one request with its retries. */
export interface RetryBudgetOptions {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Timeout of each attempt in ms. */
  readonly timeoutMs: number;
  /** First backoff ceiling in ms. @default BASE_BACKOFF_MS */
  readonly baseDelayMs?: number;
  /** Largest backoff in ms. @default MAX_BACKOFF_MS */
  readonly maxDelayMs?: number;
}

/**
 * The longest one request may take with all its retries: every attempt's timeout plus every
 * capped backoff. The retrying transport stops retrying when the next attempt would end later.
 */
export function retryBudgetMs(options: RetryBudgetOptions): number {
  const base = options.baseDelayMs ?? BASE_BACKOFF_MS;
  const cap = options.maxDelayMs ?? MAX_BACKOFF_MS;
  let budget = (options.maxRetries + 1) * options.timeoutMs;
  for (let i = 0; i < options.maxRetries; i++) budget += Math.min(cap, base * 2 ** i);
  return budget;
}

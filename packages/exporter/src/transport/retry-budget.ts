import type { ResolvedMosaicConfig } from '../types.js';

/** Largest backoff between retries (DESIGN section 6). */
export const MAX_BACKOFF_MS = 60_000;
/** First backoff ceiling (DESIGN section 6). */
export const BASE_BACKOFF_MS = 1000;

/** The longest one request may take with all its retries: every timeout plus every capped backoff. */
export function retryBudgetMs(
  config: Pick<ResolvedMosaicConfig, 'maxRetries' | 'requestTimeoutMs'>,
): number {
  let budget = (config.maxRetries + 1) * config.requestTimeoutMs;
  for (let i = 0; i < config.maxRetries; i++)
    budget += Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** i);
  return budget;
}

import type { Transport, TransportResult } from './http-transport.js';
import {
  BASE_BACKOFF_MS,
  MAX_BACKOFF_MS,
  type RetryBudgetOptions,
  retryBudgetMs,
} from './retry-budget.js';

/** How a retrying transport retries; its deadline derives from these (see `retryBudgetMs`). */
export type RetryPolicy = RetryBudgetOptions;

/**
 * Wraps a transport with retries of `retryable` results: exponential backoff with full jitter
 * (base x 2^n, capped), replaced by the server's `Retry-After` when it sent one. Each request ends
 * within its retry budget (`retryBudgetMs` of the policy): a retry that would end later is not
 * made, the last result is returned instead. An aborted signal ends the retries at once.
 */
export function createRetryingTransport(transport: Transport, policy: RetryPolicy): Transport {
  const base = policy.baseDelayMs ?? BASE_BACKOFF_MS;
  const cap = policy.maxDelayMs ?? MAX_BACKOFF_MS;
  const budget = retryBudgetMs(policy);

  async function send(path: string, body: string, signal?: AbortSignal) {
    const deadline = Date.now() + budget;
    let result: TransportResult = await transport.send(path, body, signal);
    for (let retry = 0; retry < policy.maxRetries && result.status === 'retryable'; retry++) {
      const backoff = Math.random() * Math.min(cap, base * 2 ** retry);
      const hinted = result.retryAfterMs;
      // Honour Retry-After; one beyond the cap ends the retries (the caller carries the events
      // over to a later export). One of 0 would mean retrying at once: keep the backoff then.
      if (hinted !== undefined && hinted > cap) break;
      const delay = hinted !== undefined && hinted > 0 ? hinted : backoff;
      if (Date.now() + delay + policy.timeoutMs > deadline) break;
      if (!(await sleep(delay, signal))) break;
      result = await transport.send(path, body, signal);
    }
    return result;
  }

  return { send, close: () => transport.close() };
}

/** Waits `ms`; resolves false at once when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

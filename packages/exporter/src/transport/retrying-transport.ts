import type { Cancellation } from './cancellation.js';
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
 * made, the last result is returned instead. A cancellation ends the retries at once.
 */
export function createRetryingTransport(transport: Transport, policy: RetryPolicy): Transport {
  const base = policy.baseDelayMs ?? BASE_BACKOFF_MS;
  const cap = policy.maxDelayMs ?? MAX_BACKOFF_MS;
  const budget = retryBudgetMs(policy);

  async function send(path: string, body: string, cancel?: Cancellation) {
    const deadline = Date.now() + budget;
    let result: TransportResult = await transport.send(path, body, cancel);
    for (let retry = 0; retry < policy.maxRetries && result.status === 'retryable'; retry++) {
      const backoff = Math.random() * Math.min(cap, base * 2 ** retry);
      const hinted = result.retryAfterMs;
      // Honour Retry-After; one beyond the cap ends the retries (the caller carries the events
      // over to a later export). One of 0 would mean retrying at once: keep the backoff then.
      if (hinted !== undefined && hinted > cap) break;
      const delay = hinted !== undefined && hinted > 0 ? hinted : backoff;
      if (Date.now() + delay + policy.timeoutMs > deadline) break;
      if (!(await sleep(delay, cancel))) break;
      result = await transport.send(path, body, cancel);
    }
    return result;
  }

  return { send, close: () => transport.close() };
}

/** Waits `ms`; resolves false at once when `cancel` is cancelled first. */
function sleep(ms: number, cancel: Cancellation | undefined): Promise<boolean> {
  if (cancel?.cancelled) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unregister?.();
      resolve(true);
    }, ms);
    const unregister = cancel?.onCancel(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

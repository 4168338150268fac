import type { Transport, TransportResult } from './http-transport.js';
import { BASE_BACKOFF_MS, MAX_BACKOFF_MS } from './retry-budget.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** First backoff ceiling in ms; doubles per retry. @default 1000 */
  readonly baseDelayMs?: number;
  /** Largest backoff and largest `Retry-After` honoured, in ms. @default 60000 */
  readonly maxDelayMs?: number;
}

/**
 * Wraps a transport with retries of `retryable` results: exponential backoff with full jitter
 * (base x 2^n, capped), replaced by the server's `Retry-After` when it sent one. A retry that would
 * end after `deadline` is not made: the last result is returned instead.
 */
export function createRetryingTransport(transport: Transport, policy: RetryPolicy): Transport {
  const base = policy.baseDelayMs ?? BASE_BACKOFF_MS;
  const cap = policy.maxDelayMs ?? MAX_BACKOFF_MS;

  async function send(path: string, body: string, timeoutMs: number, deadline = Infinity) {
    let result: TransportResult = await transport.send(path, body, timeoutMs);
    for (let retry = 0; retry < policy.maxRetries && result.status === 'retryable'; retry++) {
      const backoff = Math.random() * Math.min(cap, base * 2 ** retry);
      const hinted = result.retryAfterMs;
      // Honour Retry-After; one beyond the cap ends the retries (the caller carries the events
      // over to a later export). One of 0 would mean retrying at once: keep the backoff then.
      if (hinted !== undefined && hinted > cap) break;
      const delay = hinted !== undefined && hinted > 0 ? hinted : backoff;
      if (Date.now() + delay + timeoutMs > deadline) break;
      await sleep(delay);
      result = await transport.send(path, body, timeoutMs);
    }
    return result;
  }

  return { send, close: () => transport.close() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

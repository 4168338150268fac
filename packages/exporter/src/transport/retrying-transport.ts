import { setTimeout as sleep } from 'node:timers/promises';
import type { Transport, TransportResult } from './http-transport.js';
import {
  BASE_BACKOFF_MS,
  MAX_BACKOFF_MS,
  type RetryBudgetOptions,
  retryBudgetMs,
} from './retry-budget.js';

/** How a retrying transport retries; its deadline derives from these (see `retryBudgetMs`). */
export type RetryPolicy = RetryBudgetOptions;

/** Why a retrying transport returned a retryable result instead of trying again. */
export type RetryStop =
  /** `maxRetries` retries were made. */
  | 'retries-used'
  /** The server's `Retry-After` asked for a wait beyond the backoff cap. */
  | 'retry-after-too-long'
  /** The wait plus one more attempt would end past the request's deadline. */
  | 'deadline'
  /** The caller's signal was aborted. */
  | 'aborted';

/** A transport that retries, and says why it stopped on a result still retryable. */
export interface RetryingTransport extends Transport {
  send(
    path: string,
    body: string,
    signal?: AbortSignal,
  ): Promise<TransportResult & { readonly stoppedBecause?: RetryStop }>;
}

/**
 * Wraps a transport with retries of `retryable` results: exponential backoff with full jitter
 * (base x 2^n, capped), replaced by the server's `Retry-After` when it sent one. Each request has
 * one deadline, its retry budget (`retryBudgetMs` of the policy) from its start: a retry whose wait
 * and attempt would not fit in the time left is not made, the last result is returned instead,
 * with why retrying stopped. An aborted signal ends the retries at once.
 */
export function createRetryingTransport(
  transport: Transport,
  policy: RetryPolicy,
): RetryingTransport {
  const base = policy.baseDelayMs ?? BASE_BACKOFF_MS;
  const cap = policy.maxDelayMs ?? MAX_BACKOFF_MS;
  const budget = retryBudgetMs(policy);

  async function send(path: string, body: string, signal?: AbortSignal) {
    const deadline = Date.now() + budget;
    let result: TransportResult = await transport.send(path, body, signal);
    for (let retry = 0; result.status === 'retryable'; retry++) {
      const stop = (stoppedBecause: RetryStop) => ({ ...result, stoppedBecause });
      if (signal?.aborted) return stop('aborted');
      if (retry >= policy.maxRetries) return stop('retries-used');
      const hinted = result.retryAfterMs;
      // Honour Retry-After; one beyond the cap ends the retries (the caller carries the events
      // over to a later export). One of 0 would mean retrying at once: keep the backoff then.
      if (hinted !== undefined && hinted > cap) return stop('retry-after-too-long');
      const delay =
        hinted !== undefined && hinted > 0
          ? hinted
          : Math.random() * Math.min(cap, base * 2 ** retry);
      if (delay + policy.timeoutMs > deadline - Date.now()) return stop('deadline');
      try {
        await sleep(delay, undefined, signal === undefined ? undefined : { signal });
      } catch {
        return stop('aborted');
      }
      result = await transport.send(path, body, signal);
    }
    return result;
  }

  return { send, close: () => transport.close() };
}

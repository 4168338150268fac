import { REQUEST_CONCURRENCY } from '../transport/request-pool.js';
import { type RetryBudgetOptions, retryBudgetMs } from '../transport/retry-budget.js';
import type { ResolvedMosaicConfig } from '../types.js';

/**
 * The time bounds of delivery, all derived here from the config: a request's retry budget, one
 * delivery's budget, and the BatchSpanProcessor's export timeout that covers it.
 */

/** Requests of `batchSize` one BatchSpanProcessor export hands the exporter (its batch size). */
export const REQUESTS_PER_EXPORT = 4;
/** Head room of the BSP's export timeout over one delivery's budget. */
const EXPORT_TIMEOUT_SLACK_MS = 5000;

type Budgeted = Pick<ResolvedMosaicConfig, 'maxRetries' | 'requestTimeoutMs'>;

/** The retry policy of one request (its attempts, timeout and backoffs). */
export function retryPolicyOf(config: Budgeted): RetryBudgetOptions {
  return { maxRetries: config.maxRetries, timeoutMs: config.requestTimeoutMs };
}

/**
 * How long one delivery may take: the requests of one export, {@link REQUEST_CONCURRENCY} at a
 * time, each within its retry budget. Requests still running then are abandoned and their events
 * carried over, so an export of any size (a full carry-over included) ends within this bound.
 */
export function deliveryBudgetMs(config: Budgeted): number {
  const rounds = Math.ceil(REQUESTS_PER_EXPORT / REQUEST_CONCURRENCY);
  return rounds * retryBudgetMs(retryPolicyOf(config));
}

/** The BSP's `exportTimeoutMillis`: one delivery's budget plus head room, so it never cuts one short. */
export function exportTimeoutMs(config: Budgeted): number {
  return deliveryBudgetMs(config) + EXPORT_TIMEOUT_SLACK_MS;
}

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
 * time, each within its retry budget. A delivery of more (a full carry-over) starts requests only
 * within {@link chunkStartWindowMs} and carries the rest over, so it ends within this bound too.
 */
export function deliveryBudgetMs(config: Budgeted): number {
  return rounds() * retryBudgetMs(retryPolicyOf(config));
}

/**
 * How long after a delivery began it may still start a request: all but the last round of its
 * budget, which the last requests started need to end within their own retry budget.
 */
export function chunkStartWindowMs(config: Budgeted): number {
  return (rounds() - 1) * retryBudgetMs(retryPolicyOf(config));
}

function rounds(): number {
  return Math.ceil(REQUESTS_PER_EXPORT / REQUEST_CONCURRENCY);
}

/** The BSP's `exportTimeoutMillis`: one delivery's budget plus head room, so it never cuts one short. */
export function exportTimeoutMs(config: Budgeted): number {
  return deliveryBudgetMs(config) + EXPORT_TIMEOUT_SLACK_MS;
}

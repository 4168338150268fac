/** Longest wait a `Retry-After` is read as (a day): far beyond any backoff cap, and finite. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110
 * section 10.2.3), at most {@link MAX_RETRY_AFTER_MS}. Returns undefined when absent or unreadable
 * (a negative number included); a date in the past gives 0.
 */
export function parseRetryAfter(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text))
    return Math.min(Math.round(Number(text) * 1000), MAX_RETRY_AFTER_MS);
  // Every HTTP-date form names its month; without a letter `Date.parse` reads "-5" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

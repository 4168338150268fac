/**
 * What is worth sending again, in one place (as OTel's `is-export-retryable.ts`): HTTP statuses
 * and request errors. Everything the retrying transport and the carry-over decide follows these.
 */

/** 408, 429 and every 5xx: the server may answer differently later. */
export function isRetryableStatus(code: number): boolean {
  return code === 429 || code === 408 || code >= 500;
}

/**
 * Whether a request that failed before an answer may work when sent again: all but a request
 * node refuses to build (an invalid header or argument, `ERR_INVALID_*`). Refused or reset
 * connections, DNS, TLS and a garbled answer (`HPE_*` parser errors) alike may work later;
 * retrying is bounded by `maxRetries`, the deadlines and the carry-over cap.
 */
export function isRetryableRequestError(code: string | undefined): boolean {
  return !(code ?? '').startsWith('ERR_INVALID');
}

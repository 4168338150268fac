import { describe, expect, it } from 'vitest';
import { isRetryableRequestError, isRetryableStatus } from '../../src/transport/is-retryable.js';

describe('isRetryableStatus', () => {
  it('retries 429, 408 and every 5xx', () => {
    for (const code of [408, 429, 500, 502, 503, 504, 599]) {
      expect(isRetryableStatus(code), String(code)).toBe(true);
    }
  });

  it('does not retry 400, 401, 403, 404, 413, 422 or any other 4xx', () => {
    for (const code of [400, 401, 403, 404, 409, 413, 422, 499]) {
      expect(isRetryableStatus(code), String(code)).toBe(false);
    }
  });
});

describe('isRetryableRequestError', () => {
  it('retries refused and reset connections, timeouts, DNS, TLS and parser errors', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      'CERT_HAS_EXPIRED',
      'HPE_INVALID_CONSTANT',
      undefined,
    ]) {
      expect(isRetryableRequestError(code), String(code)).toBe(true);
    }
  });

  it('does not retry a request node refuses to build', () => {
    for (const code of ['ERR_INVALID_CHAR', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_URL']) {
      expect(isRetryableRequestError(code), code).toBe(false);
    }
  });
});

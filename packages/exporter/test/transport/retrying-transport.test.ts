import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { createHttpTransport, type Transport } from '../../src/transport/http-transport.js';
import {
  createRetryingTransport,
  type RetryPolicy,
} from '../../src/transport/retrying-transport.js';

const KEY = 'ab'.repeat(32);
const PATH = '/v1/events/batch';

describe('createRetryingTransport', () => {
  let server: RecordingServer;
  let http: Transport | undefined;

  /** The retrying transport over a real HTTP transport to the loopback server. */
  const transport = (policy: RetryPolicy) => {
    http = createHttpTransport({
      serverUrl: server.url,
      apiKey: KEY,
      userAgent: 'ua/1',
      timeoutMs: policy.timeoutMs,
    });
    return createRetryingTransport(http, policy);
  };

  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    http?.close();
    await server.close();
  });

  describe('what is retried', () => {
    it.each([429, 500, 502, 503, 504])('retries a %i, then takes the success', async (status) => {
      server.respondWith((_, i) => (i === 0 ? { status } : { status: 200, body: '{}' }));
      const result = await transport({ maxRetries: 2, timeoutMs: 2000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result.status).toBe('success');
      expect(server.requests).toHaveLength(2);
    });

    it('retries a connection the server dropped', async () => {
      server.respondWith((_, i) => (i === 0 ? 'reset' : { status: 200, body: '{}' }));
      const result = await transport({ maxRetries: 2, timeoutMs: 2000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result.status).toBe('success');
      expect(server.requests).toHaveLength(2);
    });

    it.each([400, 401, 403, 404, 422])('does not retry a %i', async (status) => {
      server.respondWith(() => ({ status, body: 'no' }));
      const result = await transport({ maxRetries: 3, timeoutMs: 2000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result).toMatchObject({ status: 'failure', statusCode: status });
      expect(result.stoppedBecause).toBeUndefined();
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('why retrying stopped', () => {
    it('after maxRetries retries: retries-used', async () => {
      server.respondWith(() => ({ status: 503 }));
      const result = await transport({ maxRetries: 2, timeoutMs: 2000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result).toMatchObject({ status: 'retryable', statusCode: 503 });
      expect(result.stoppedBecause).toBe('retries-used');
      expect(server.requests).toHaveLength(3);
    });

    it('on a Retry-After beyond the backoff cap: retry-after-too-long, without waiting', async () => {
      server.respondWith(() => ({ status: 429, headers: { 'retry-after': '2' } }));
      const started = Date.now();
      const result = await transport({
        maxRetries: 3,
        timeoutMs: 2000,
        baseDelayMs: 1,
        maxDelayMs: 500,
      }).send(PATH, '{}');
      expect(result.stoppedBecause).toBe('retry-after-too-long');
      expect(server.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('when the wait and one more attempt do not fit in the time left: deadline', async () => {
      // Budget: 2 attempts of 200 ms plus a 1 ms backoff = 401 ms; a 1 s Retry-After cannot fit.
      server.respondWith(() => ({ status: 503, headers: { 'retry-after': '1' } }));
      const started = Date.now();
      const result = await transport({ maxRetries: 1, timeoutMs: 200, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result.stoppedBecause).toBe('deadline');
      expect(server.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('when the caller aborts during the wait: aborted, at once', async () => {
      server.respondWith(() => ({ status: 503, headers: { 'retry-after': '5' } }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const result = await transport({ maxRetries: 1, timeoutMs: 10_000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
        controller.signal,
      );
      expect(result.stoppedBecause).toBe('aborted');
      expect(server.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  describe('the deadline', () => {
    it('honours Retry-After as the wait before the next attempt', async () => {
      server.respondWith((_, i) =>
        i === 0 ? { status: 503, headers: { 'retry-after': '0.4' } } : { status: 200, body: '{}' },
      );
      const started = Date.now();
      const result = await transport({ maxRetries: 1, timeoutMs: 2000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result.status).toBe('success');
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    });

    it('is computed once, at the start: slow attempts use up the time of later retries', async () => {
      // Budget: 3 attempts of 1000 ms plus backoffs of 1 and 2 ms = 3003 ms. Each answer takes
      // 300 ms and asks for 1.2 s: the first retry fits (300 + 1200 + 1000 <= 3003), the second
      // does not (1800 + 1200 + 1000 > 3003), although maxRetries allows it and each attempt on
      // its own would fit in a budget counted from that attempt.
      server.respondWith(() => ({ status: 503, delayMs: 300, headers: { 'retry-after': '1.2' } }));
      const result = await transport({ maxRetries: 2, timeoutMs: 1000, baseDelayMs: 1 }).send(
        PATH,
        '{}',
      );
      expect(result.stoppedBecause).toBe('deadline');
      expect(server.requests).toHaveLength(2);
    });
  });
});

import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  expectExactlyOnce,
  type FaultHost,
  INSTANCE_ID,
  startHost,
  watchProcess,
} from './fault-harness.js';

describe('MosaicSpanProcessor under HTTP error answers', () => {
  let server: DevServer;
  let host: FaultHost | undefined;
  let watch: ReturnType<typeof watchProcess>;

  const start = async (
    rateLimit: { capacity: number; refillPerSecond: number } | false = false,
  ) => {
    server = await startDevServer({ apiKey: API_KEY, instanceId: INSTANCE_ID, rateLimit });
    return server;
  };
  /** Flushes until every recorded event is stored or `rounds` flushes were made; returns how many. */
  const flushUntilStored = async (rounds: number) => {
    const live = host as FaultHost;
    let made = 0;
    while (made < rounds && server.countEvents() < live.recorded) {
      await live.flush();
      made++;
    }
    return made;
  };

  beforeEach(() => {
    watch = watchProcess();
  });
  afterEach(async () => {
    await host?.shutdown();
    host = undefined;
    await server.close();
    watch.stop();
  });

  describe('5xx', () => {
    it('delivers once after a run of 500s and 503s longer than the retries', async () => {
      await start();
      host = startHost(server.url);
      // 3 requests per flush fail for good (maxRetries 2): the run outlasts several flushes.
      server.faults.failNext(7, 500);
      server.faults.failNext(7, 503);
      host.record(250);
      const flushes = await flushUntilStored(8);
      expect(flushes).toBeGreaterThan(1);
      expect(host.errors.every((e) => e.kind === 'retries-exhausted')).toBe(true);
      expectExactlyOnce(server, host, watch, 250);
    });

    it('delivers in the same flush when a 503 run is shorter than the retries', async () => {
      await start();
      host = startHost(server.url);
      server.faults.failNext(2, 503);
      host.record(80);
      await host.flush();
      expect(host.errors).toEqual([]);
      expectExactlyOnce(server, host, watch, 80);
    });
  });

  describe('429', () => {
    it('waits out Retry-After in seconds on every request of a concurrent export', async () => {
      await start();
      host = startHost(server.url);
      server.faults.failNext(2, 429, { retryAfter: '1' });
      host.record(300);
      const requestsBefore = server.stats.requests;
      await host.flush();
      // 3 requests + 2 retries, none of them early or extra.
      expect(server.stats.requests - requestsBefore).toBe(5);
      expect(host.errors).toEqual([]);
      expectExactlyOnce(server, host, watch, 300);
    });

    it('waits out Retry-After given as an HTTP-date', async () => {
      await start();
      host = startHost(server.url);
      // Whole seconds only: two seconds ahead is at least one second of waiting.
      server.faults.failNext(1, 429, {
        retryAfter: new Date(Date.now() + 2000).toUTCString(),
      });
      host.record(10);
      const started = Date.now();
      await host.flush();
      // A 10 ms backoff would have retried at once; only the date can make it wait this long.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(host.errors).toEqual([]);
      expectExactlyOnce(server, host, watch, 10);
    });

    it('carries events over instead of sleeping when Retry-After is beyond the cap', async () => {
      await start();
      host = startHost(server.url);
      server.faults.failNext(1, 429, { retryAfter: '3600' });
      host.record(40);
      // The batch export gives up on the 429 at once; the same flush then delivers the carry-over.
      await host.flush();
      expect(host.errors.map((e) => [e.kind, e.status])).toEqual([['retries-exhausted', 429]]);
      expect(server.countEvents()).toBe(40);
      expectExactlyOnce(server, host, watch, 40);
    });

    it("delivers once through the server's own token-bucket rate limit", async () => {
      await start({ capacity: 2, refillPerSecond: 4 });
      host = startHost(server.url, { maxRetries: 4 });
      host.record(800);
      await flushUntilStored(6);
      expectExactlyOnce(server, host, watch, 800);
    });
  });

  describe('403', () => {
    it('drops a refused batch without retrying, reports it once, and delivers later batches once', async () => {
      await start();
      host = startHost(server.url);
      server.faults.failNext(1, 403);
      host.record(30);
      const requestsBefore = server.stats.requests;
      await host.flush();
      expect(server.stats.requests - requestsBefore).toBe(1);
      expect(host.errors.map((e) => [e.kind, e.status, e.eventCount])).toEqual([
        ['forbidden', 403, 30],
      ]);
      // A refused batch is not kept: the next flush sends nothing old.
      await host.flush();
      expect(server.stats.requests - requestsBefore).toBe(1);
      expect(server.countEvents()).toBe(0);

      host.record(20);
      await host.flush();
      expect(host.errors).toHaveLength(1);
      expectExactlyOnce(server, host, watch, 20);
    });
  });
});

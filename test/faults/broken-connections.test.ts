import { setTimeout as sleep } from 'node:timers/promises';
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

describe('MosaicSpanProcessor under broken connections and answers', () => {
  let server: DevServer;
  let host: FaultHost | undefined;
  let watch: ReturnType<typeof watchProcess>;

  beforeEach(async () => {
    watch = watchProcess();
    server = await startDevServer({ apiKey: API_KEY, instanceId: INSTANCE_ID, rateLimit: false });
  });
  afterEach(async () => {
    await host?.shutdown();
    host = undefined;
    await server.close();
    watch.stop();
  });

  describe('connection resets', () => {
    it('retries a reset request and delivers in the same flush', async () => {
      host = startHost(server.url);
      server.faults.resetNext(2);
      host.record(60);
      await host.flush();
      expect(host.errors).toEqual([]);
      expectExactlyOnce(server, host, watch, 60);
    });

    it('delivers once after a run of resets longer than the retries', async () => {
      host = startHost(server.url);
      // More resets than one flush's attempts (the batch, then the carry-over: 2 x 4 requests x 4
      // attempts), so the first flush cannot deliver everything.
      server.faults.resetNext(40);
      host.record(350);
      await host.flush();
      expect(server.countEvents()).toBeLessThan(350);
      expect(host.errors.some((e) => /socket hang up|ECONNRESET/.test(e.message))).toBe(true);
      for (let i = 0; i < 8 && server.countEvents() < 350; i++) await host.flush();
      expectExactlyOnce(server, host, watch, 350);
    });
  });

  describe('slow answers', () => {
    it('stores once when the server answers after the request timeout and stores late', async () => {
      host = startHost(server.url, { requestTimeoutMs: 200, maxRetries: 1 });
      // Both first attempts of this export time out; the server still stores them 600 ms later.
      server.faults.delayNext(2, 600);
      host.record(200);
      await host.flush();
      await sleep(700);
      // Whatever the timing, each event is stored once; the late or the resent copies are duplicates.
      await host.flush();
      expect(server.stats.eventsRejected).toBeGreaterThan(0);
      expectExactlyOnce(server, host, watch, 200);
    });

    it('delivers once after more timeouts than the retries', async () => {
      host = startHost(server.url, { requestTimeoutMs: 150, maxRetries: 1 });
      server.faults.delayNext(4, 400);
      host.record(120);
      await host.flush();
      expect(host.errors.some((e) => /timed out/.test(e.message))).toBe(true);
      await sleep(500);
      for (let i = 0; i < 8 && server.countEvents() < 120; i++) await host.flush();
      expectExactlyOnce(server, host, watch, 120);
    });
  });

  describe('malformed answers', () => {
    it('resends a batch whose 200 answer is not JSON and stores it once', async () => {
      host = startHost(server.url);
      server.faults.malformedNext(2);
      host.record(150);
      await host.flush();
      expect(host.errors.some((e) => /unreadable response/.test(e.message))).toBe(true);
      await host.flush();
      expectExactlyOnce(server, host, watch, 150);
    });
  });

  describe('mixed faults', () => {
    it('stores every event once through a mix of every fault', async () => {
      host = startHost(server.url, { requestTimeoutMs: 200, maxRetries: 2 });
      server.faults.failNext(2, 503);
      server.faults.resetNext(2);
      server.faults.malformedNext(1);
      server.faults.delayNext(1, 400);
      server.faults.failNext(1, 429, { retryAfter: '0' });
      server.faults.failNext(2, 500);
      server.faults.resetNext(1);
      for (let round = 0; round < 4; round++) {
        host.record(150);
        await host.flush();
      }
      await sleep(450);
      for (let i = 0; i < 8 && server.countEvents() < 600; i++) await host.flush();
      expectExactlyOnce(server, host, watch, 600);
    });
  });
});

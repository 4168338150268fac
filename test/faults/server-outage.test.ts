import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  expectExactlyOnce,
  type FaultHost,
  freePort,
  INSTANCE_ID,
  startHost,
  watchProcess,
} from './fault-harness.js';

describe('MosaicSpanProcessor under server outages', () => {
  let server: DevServer | undefined;
  let host: FaultHost | undefined;
  let watch: ReturnType<typeof watchProcess>;
  let dir: string;

  const start = async (port: number, dbPath = ':memory:') => {
    server = await startDevServer({
      port,
      dbPath,
      apiKey: API_KEY,
      instanceId: INSTANCE_ID,
      rateLimit: false,
    });
    return server;
  };

  beforeEach(() => {
    watch = watchProcess();
    dir = mkdtempSync(join(tmpdir(), 'mosaic-faults-'));
  });
  afterEach(async () => {
    await host?.shutdown();
    host = undefined;
    await server?.close();
    server = undefined;
    watch.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('forceFlush', () => {
    it('delivers what was recorded before the server first came up, once it is up', async () => {
      const port = await freePort();
      host = startHost(`http://127.0.0.1:${port}`);
      host.record(150);
      // Nothing listens yet: the flush fails, keeps the events, and neither throws nor rejects.
      await host.flush();
      await expect(host.processor.forceFlush()).resolves.toBeUndefined();
      expect(host.errors.length).toBeGreaterThan(0);
      expect(host.errors.every((e) => e.kind === 'retries-exhausted')).toBe(true);
      host.record(60);

      const live = await start(port);
      await host.flush();
      expectExactlyOnce(live, host, watch, 210);
    });

    it('delivers everything once across three kill/restart cycles on the same database file', async () => {
      const port = await freePort();
      const dbPath = join(dir, 'telemetry.db');
      host = startHost(`http://127.0.0.1:${port}`);
      for (let cycle = 0; cycle < 3; cycle++) {
        const live = await start(port, dbPath);
        expect(live.countEvents()).toBe(host.recorded - (cycle === 0 ? 0 : 120));
        host.record(120);
        await host.flush();
        expect(live.countEvents()).toBe(host.recorded);
        await live.close();
        server = undefined;
        // Down: these go to the carry-over and wait for the next cycle's server.
        host.record(120);
        await host.flush();
      }
      const live = await start(port, dbPath);
      await host.flush();
      expect(host.recorded).toBe(720);
      expectExactlyOnce(live, host, watch);
    });

    it('delivers a batch once when the server is killed while answering it', async () => {
      const port = await freePort();
      const dbPath = join(dir, 'telemetry.db');
      let live = await start(port, dbPath);
      host = startHost(live.url);
      // The server sits on the first request until it is killed: the client sees its socket die.
      live.faults.delayNext(1, 60_000);
      host.record(100);
      const flushing = host.flush();
      await expect.poll(() => live.stats.requests).toBeGreaterThan(0);
      await live.close();
      server = undefined;
      await flushing;
      expect(host.errors.some((e) => e.kind === 'retries-exhausted')).toBe(true);

      live = await start(port, dbPath);
      await host.flush();
      expectExactlyOnce(live, host, watch, 100);
    });
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('devserver', () => {
  let dir: string;
  let dbPath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-devserver-'));
    dbPath = join(dir, 'telemetry.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('startDevServer', () => {
    it('generates a 64-hex key and a UUID v4 instance when none is given', async () => {
      const server = await startDevServer();
      expect(server.apiKey).toMatch(/^[0-9a-f]{64}$/);
      expect(server.instanceId).toMatch(UUID_V4);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await server.close();
    });

    it('keeps events and generated credentials across a restart on the same file', async () => {
      const first = await startDevServer({ dbPath });
      const events = [makeEvent(first.instanceId), makeEvent(first.instanceId)];
      await postJson(first, '/v1/events/batch', { events });
      expect(existsSync(`${dbPath}-wal`)).toBe(true);
      await first.close();

      const second = await startDevServer({ dbPath });
      try {
        expect(second.apiKey).toBe(first.apiKey);
        expect(second.instanceId).toBe(first.instanceId);
        expect(second.listEvents()).toEqual(events);
        const again = await postJson<{ rejected: number }>(second, '/v1/events/batch', {
          events: [events[0]],
        });
        expect(again.body.rejected).toBe(1);
        const health = await fetch(`${second.url}/health`);
        expect(await health.json()).toEqual({ status: 'ok', events: 2 });
      } finally {
        await second.close();
      }
    });

    it('uses explicit credentials over the stored ones', async () => {
      const first = await startDevServer({ dbPath });
      await first.close();
      const apiKey = 'f'.repeat(64);
      const instanceId = '11111111-2222-4333-8444-555555555555';
      const second = await startDevServer({ dbPath, apiKey, instanceId });
      expect([second.apiKey, second.instanceId]).toEqual([apiKey, instanceId]);
      await second.close();
      const third = await startDevServer({ dbPath });
      expect(third.apiKey).toBe(first.apiKey);
      await third.close();
    });

    it('gives fresh credentials to each in-memory server', async () => {
      const a = await startDevServer();
      const b = await startDevServer();
      expect(a.apiKey).not.toBe(b.apiKey);
      expect(a.url).not.toBe(b.url);
      await Promise.all([a.close(), b.close()]);
    });

    it('rejects and releases the database when the port is taken', async () => {
      const holder = await startDevServer();
      const port = Number(new URL(holder.url).port);
      await expect(startDevServer({ dbPath, port })).rejects.toThrow(/EADDRINUSE/);
      await holder.close();
      const retry = await startDevServer({ dbPath });
      await retry.close();
    });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const PREDICTIONS = '/v1/predictions/batch';
const QUERY = { task_type: 'testing', model: 'm', provider: 'openai', complexity: 'low' };

describe('devserver', () => {
  let server: DevServer | undefined;
  afterEach(async () => {
    await server?.close();
  });
  const ask = (s: DevServer, apiKey?: string) =>
    postJson(s, PREDICTIONS, { queries: [QUERY] }, apiKey ? { apiKey } : {});

  describe('rate limit', () => {
    it('answers 429 with a whole-second Retry-After once the bucket is empty', async () => {
      server = await startDevServer({ rateLimit: { capacity: 3, refillPerSecond: 0.5 } });
      for (let i = 0; i < 3; i++) expect((await ask(server)).status).toBe(200);
      const limited = await ask(server);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(limited.body.error).toMatch(/^rate limit exceeded/);
    });

    it('limits the events route with the same bucket', async () => {
      server = await startDevServer({ rateLimit: { capacity: 1, refillPerSecond: 0.2 } });
      expect((await ask(server)).status).toBe(200);
      const events = { events: [makeEvent(server.instanceId)] };
      const limited = await postJson(server, '/v1/events/batch', events);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('5');
      expect(server.countEvents()).toBe(0);
    });

    it('keeps one bucket per API key', async () => {
      server = await startDevServer({ rateLimit: { capacity: 1, refillPerSecond: 0.1 } });
      const otherKey = randomBytes(32).toString('hex');
      server.addInstance(otherKey, randomUUID());
      expect((await ask(server)).status).toBe(200);
      expect((await ask(server)).status).toBe(429);
      expect((await ask(server, otherKey)).status).toBe(200);
    });

    it('refills the bucket over time', async () => {
      server = await startDevServer({ rateLimit: { capacity: 1, refillPerSecond: 4 } });
      expect((await ask(server)).status).toBe(200);
      expect((await ask(server)).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await ask(server)).status).toBe(200);
    });

    it('never answers 429 when rateLimit is false', async () => {
      server = await startDevServer({ rateLimit: false });
      const s = server;
      const statuses = await Promise.all(Array.from({ length: 300 }, () => ask(s)));
      expect(statuses.filter((a) => a.status !== 200)).toEqual([]);
    });

    it('throws when the options are out of range', async () => {
      await expect(startDevServer({ rateLimit: { refillPerSecond: 0 } })).rejects.toThrow(
        /^rateLimit\.refillPerSecond: /,
      );
    });
  });
});

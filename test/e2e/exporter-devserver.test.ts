import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { MosaicDeliveryError } from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';

const OTHER_INSTANCE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

function setup(server: DevServer, extra: Record<string, unknown> = {}) {
  const errors: MosaicDeliveryError[] = [];
  const processor = processorWithFastRetries(
    {
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      harness: 'claude_code',
      submitIntervalMs: 60_000,
      onError: (e) => errors.push(e),
      ...extra,
    },
    20,
  );
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('e2e');
  const record = (n: number, attributes: Record<string, unknown> = {}) => {
    for (let i = 0; i < n; i++) {
      tracer
        .startSpan('task', {
          attributes: {
            'mosaic.task.type': 'implementation',
            'gen_ai.request.model': 'claude-sonnet-4-5',
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.usage.input_tokens': 1000 + i,
            'gen_ai.usage.output_tokens': 100 + i,
            ...attributes,
          } as never,
        })
        .end();
    }
  };
  return { provider, record, errors };
}

describe('exporter -> devserver', () => {
  let server: DevServer | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('delivery', () => {
    it('stores every task event exactly once, each valid, nothing but schema fields', async () => {
      server = await startDevServer({ rateLimit: false });
      const { provider, record, errors } = setup(server);
      record(250, { 'gen_ai.prompt': 'SECRET PROMPT', 'user.email': 'someone@example.com' });
      await provider.shutdown();
      const stored = server.listEvents();
      expect(stored).toHaveLength(250);
      expect(new Set(stored.map((e) => e.event_id)).size).toBe(250);
      for (const event of stored) expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(JSON.stringify(stored)).not.toMatch(/SECRET|someone@example/);
      expect(stored[0]).toMatchObject({
        instance_id: server.instanceId,
        harness: 'claude_code',
        provider: 'anthropic',
      });
      expect(errors).toEqual([]);
    });

    it('honours 429 + Retry-After from the server and delivers after it', async () => {
      server = await startDevServer({ rateLimit: false });
      server.faults.failNext(1, 429, { retryAfter: '1' });
      const { provider, record, errors } = setup(server);
      record(5);
      const started = Date.now();
      await provider.forceFlush();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(server.countEvents()).toBe(5);
      expect(errors).toEqual([]);
      await provider.shutdown();
    });

    it('gets 403 for a key/instance mismatch, never retries, reports once', async () => {
      server = await startDevServer({ rateLimit: false });
      server.addInstance('cd'.repeat(32), OTHER_INSTANCE);
      const { provider, record, errors } = setup(server, { apiKey: 'cd'.repeat(32) });
      record(3);
      const before = server.stats.requests;
      await provider.forceFlush();
      expect(server.stats.requests - before).toBe(1);
      expect(server.countEvents()).toBe(0);
      expect(errors.map((e) => [e.kind, e.status])).toEqual([['forbidden', 403]]);
      await provider.shutdown();
    });
  });

  describe('idempotence', () => {
    it('stores a batch once when the client timed out and resent it', async () => {
      server = await startDevServer({ rateLimit: false });
      // The server stores the first attempt late, after the client gave up on it and resent.
      server.faults.delayNext(1, 600);
      const { provider, record, errors } = setup(server, { requestTimeoutMs: 300, maxRetries: 2 });
      record(4);
      await provider.forceFlush();
      const live = server;
      await expect.poll(() => live.stats.eventsRejected, { timeout: 5000 }).toBe(4);
      expect(server.countEvents()).toBe(4);
      expect(errors).toEqual([]);
      await provider.shutdown();
    });

    it('answers a replay of stored events with duplicate rejections, not new rows', async () => {
      server = await startDevServer({ rateLimit: false });
      const { provider, record } = setup(server);
      record(3);
      await provider.forceFlush();
      const stored = server.listEvents();
      const res = await fetch(`${server.url}/v1/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: stored }),
      });
      const body = (await res.json()) as {
        accepted: number;
        rejected: number;
        results: Array<{ error: string }>;
      };
      expect(body.accepted).toBe(0);
      expect(body.rejected).toBe(3);
      expect(body.results.every((r) => /duplicate/.test(r.error))).toBe(true);
      expect(server.countEvents()).toBe(3);
      await provider.shutdown();
    });
  });

  describe('restart', () => {
    it('keeps every accepted event across a restart on the same file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mosaic-e2e-'));
      dirs.push(dir);
      const dbPath = join(dir, 'telemetry.db');
      server = await startDevServer({ dbPath, rateLimit: false });
      const { apiKey, instanceId } = server;
      const first = setup(server);
      first.record(7);
      await first.provider.shutdown();
      await server.close();

      server = await startDevServer({ dbPath, rateLimit: false });
      expect([server.apiKey, server.instanceId]).toEqual([apiKey, instanceId]);
      expect(server.countEvents()).toBe(7);
      const second = setup(server);
      second.record(2);
      await second.provider.shutdown();
      expect(server.countEvents()).toBe(9);
    });
  });

  describe('validation', () => {
    it('rejects an invalid event by field and stores only the valid one', async () => {
      server = await startDevServer({ rateLimit: false });
      const { provider, record } = setup(server);
      record(1);
      await provider.forceFlush();
      const [valid] = server.listEvents();
      const good = { ...valid, event_id: '0b7e3a52-1c4d-4e8f-9a6b-3c2d1e0f9a8b' };
      const bad = {
        ...valid,
        event_id: '1b7e3a52-1c4d-4e8f-9a6b-3c2d1e0f9a8b',
        actual_input_tokens: -5,
      };
      const res = await fetch(`${server.url}/v1/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [good, bad] }),
      });
      const body = (await res.json()) as {
        results: Array<{ status: string; error: string | null }>;
      };
      expect(body.results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
      expect(body.results[1]?.error).toMatch(/^actual_input_tokens/);
      expect(server.countEvents()).toBe(2);
      await provider.shutdown();
    });
  });
});

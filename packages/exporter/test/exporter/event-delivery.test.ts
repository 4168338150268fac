import {
  createEventDelivery,
  type MosaicDeliveryError,
  resolveConfig,
  type SpanRecord,
  toTaskEvent,
} from '@mosaicstack/telemetry-exporter/core';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../../../test/support/finished-spans.js';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.close();
});

/** Events as a bridge makes them: synthetic span records through the one converter. */
function events(n: number): TaskCompletionEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const record: SpanRecord = {
      traceId: `${i.toString(16).padStart(8, '0')}${'a'.repeat(24)}`,
      spanId: `${i.toString(16).padStart(8, '0')}${'b'.repeat(8)}`,
      parentSpanId: undefined,
      name: 'prompt',
      kind: 0,
      startTimeMs: 1_700_000_000_000,
      endTimeMs: 1_700_000_001_000,
      statusCode: 0,
      attributes: { 'mosaic.task.type': 'implementation', 'mosaic.harness': 'claude_code' },
      resourceAttributes: {},
      scopeName: undefined,
    };
    return toTaskEvent(record, {
      instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
      harness: 'unknown',
      onCorrection: () => {},
    });
  });
}

describe('createEventDelivery', () => {
  describe('deliver', () => {
    it('posts converted events in requests of at most batchSize', async () => {
      const delivery = createEventDelivery(
        resolveConfig({ ...testConfig(server.url), batchSize: 40 }),
      );
      await delivery.deliver(events(100));
      await delivery.shutdown();
      const bodies = server.requests.map(
        (r) => (JSON.parse(r.body) as { events: unknown[] }).events,
      );
      expect(bodies.map((b) => b.length)).toEqual([40, 40, 20]);
      expect(server.requests[0]?.url).toBe('/v1/events/batch');
    });

    it('carries events over a failed request and delivers them on forceFlush', async () => {
      const errors: MosaicDeliveryError[] = [];
      server.respondWith((_req, index) =>
        index === 0 ? { status: 400, body: 'no' } : { status: 503 },
      );
      const delivery = createEventDelivery(
        resolveConfig({ ...testConfig(server.url), maxRetries: 0, onError: (e) => errors.push(e) }),
      );
      await delivery.deliver(events(3));
      expect(errors.map((e) => e.kind)).toEqual(['bad-request']);
      await delivery.deliver(events(2));
      expect(errors.map((e) => e.kind)).toEqual(['bad-request', 'retries-exhausted']);
      server.respondWith((req) => ({
        status: 200,
        body: JSON.stringify({
          accepted: 2,
          rejected: 0,
          results: (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events.map(
            (e) => ({ event_id: e.event_id, status: 'accepted', error: null }),
          ),
        }),
      }));
      await delivery.forceFlush();
      expect(server.requests).toHaveLength(3);
      expect(
        (JSON.parse(server.requests[2]?.body ?? '') as { events: unknown[] }).events,
      ).toHaveLength(2);
      await delivery.shutdown();
    });

    it('tells its carry-over size and until when a 429 asked for quiet (Retry-After), so a resender can wait', async () => {
      server.respondWith(() => ({ status: 429, headers: { 'retry-after': '30' } }));
      const delivery = createEventDelivery(
        resolveConfig({ ...testConfig(server.url), maxRetries: 0, onError: () => {} }),
      );
      expect(delivery.retryAfterUntil).toBe(0);
      const before = Date.now();
      await delivery.deliver(events(3));
      expect(delivery.carryOverSize).toBe(3);
      expect(delivery.retryAfterUntil).toBeGreaterThanOrEqual(before + 30_000);
      expect(delivery.retryAfterUntil).toBeLessThanOrEqual(Date.now() + 30_000);
      server.respondWith((req) => ({
        status: 200,
        body: JSON.stringify({
          accepted: 3,
          rejected: 0,
          results: (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events.map(
            (e) => ({ event_id: e.event_id, status: 'accepted', error: null }),
          ),
        }),
      }));
      // An empty delivery sends the carry-over alone.
      await delivery.deliver([]);
      expect(delivery.carryOverSize).toBe(0);
      expect(
        (JSON.parse(server.requests[1]?.body ?? '') as { events: unknown[] }).events,
      ).toHaveLength(3);
      await delivery.shutdown();
    });

    it('tells onSettled of the events the server answered for (stored, duplicate, invalid), not of those a resend may still deliver', async () => {
      const settled: string[][] = [];
      const sent = events(5);
      const ids = sent.map((e) => e.event_id);
      // Requests: 0 stores two (one a duplicate); 1 is a 503 (carried over); 2 a 403 (the key:
      // the carried-over event and the next, not settled); 3 a 400 (never valid: settled).
      server.respondWith((req, index) => {
        const batch = (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events;
        if (index === 1) return { status: 503 };
        if (index === 2) return { status: 403, body: '{"error":"instance mismatch"}' };
        if (index === 3) return { status: 400, body: 'no' };
        return {
          status: 200,
          body: JSON.stringify({
            accepted: batch.length - (index === 0 ? 1 : 0),
            rejected: index === 0 ? 1 : 0,
            results: batch.map((e, i) =>
              index === 0 && i === 1
                ? { event_id: e.event_id, status: 'rejected', error: 'duplicate event_id' }
                : { event_id: e.event_id, status: 'accepted', error: null },
            ),
          }),
        };
      });
      const delivery = createEventDelivery(
        resolveConfig({ ...testConfig(server.url), maxRetries: 0, onError: () => {} }),
        { onSettled: (batch) => settled.push(batch.map((e) => e.event_id)) },
      );
      await delivery.deliver(sent.slice(0, 2));
      expect(settled).toEqual([ids.slice(0, 2)]);
      await delivery.deliver([sent[2] as TaskCompletionEvent]);
      expect(settled).toHaveLength(1);
      // The carried-over event goes again with the next one: refused for the key, still unsettled.
      await delivery.deliver([sent[3] as TaskCompletionEvent]);
      expect(settled).toHaveLength(1);
      await delivery.deliver([sent[4] as TaskCompletionEvent]);
      expect(settled).toEqual([ids.slice(0, 2), [ids[4]]]);
      expect(server.requests).toHaveLength(4);
      await delivery.shutdown();
    });

    it('reports events delivered after shutdown as dropped instead of losing them silently', async () => {
      const errors: MosaicDeliveryError[] = [];
      const delivery = createEventDelivery(
        resolveConfig({ ...testConfig(server.url), onError: (e) => errors.push(e) }),
      );
      await delivery.shutdown();
      await delivery.deliver(events(2));
      expect(errors).toMatchObject([{ kind: 'dropped', eventCount: 2 }]);
      expect(server.requests).toHaveLength(0);
    });
  });
});

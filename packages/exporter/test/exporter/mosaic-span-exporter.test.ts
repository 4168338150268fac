import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import { finishedSpans, testConfig } from '../../../../test/support/finished-spans.js';
import {
  acceptAll,
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { MosaicSpanExporter } from '../../src/exporter/mosaic-span-exporter.js';
import type { ExportResultLike } from '../../src/otel/otel-types.js';
import type { MosaicDeliveryError, MosaicTelemetryConfig } from '../../src/types.js';
import { USER_AGENT } from '../../src/version.js';
import { exporterWithFastRetries } from '../support/fast-retries.js';

const taskSpans = (n: number, extra: Record<string, unknown> = {}) =>
  finishedSpans(
    Array.from({ length: n }, (_, i) => ({
      attributes: {
        'mosaic.task.type': 'implementation',
        'mosaic.task.retry_count': i % 5,
        ...extra,
      } as never,
    })),
  );

function exportAll(
  exporter: MosaicSpanExporter,
  spans: Parameters<MosaicSpanExporter['export']>[0],
) {
  return new Promise<ExportResultLike>((resolve) => exporter.export(spans, resolve));
}

const bodies = (server: RecordingServer) =>
  server.requests.map((r) => JSON.parse(r.body) as { events: Array<Record<string, unknown>> });

describe('MosaicSpanExporter', () => {
  let server: RecordingServer;
  let errors: MosaicDeliveryError[];
  const make = (overrides: Partial<MosaicTelemetryConfig> = {}) =>
    exporterWithFastRetries(
      { ...testConfig(server.url), onError: (e) => errors.push(e), ...overrides },
      20,
    );

  beforeEach(async () => {
    server = await startRecordingServer();
    errors = [];
  });
  afterEach(async () => {
    await server.close();
  });

  describe('export', () => {
    it('posts valid schema-1.0 events in requests of at most batchSize', async () => {
      const exporter = make();
      const result = await exportAll(exporter, taskSpans(250));
      expect(result.code).toBe(0);
      const sent = bodies(server);
      expect(sent.map((b) => b.events.length)).toEqual([100, 100, 50]);
      const ids = new Set(sent.flatMap((b) => b.events.map((e) => e.event_id)));
      expect(ids.size).toBe(250);
      for (const body of sent) {
        expect(Object.keys(body)).toEqual(['events']);
        for (const event of body.events) expect(validateTaskCompletionEvent(event)).toEqual([]);
      }
      await exporter.shutdown();
    });

    it('honours a smaller batchSize', async () => {
      const exporter = make({ batchSize: 7 });
      await exportAll(exporter, taskSpans(20));
      expect(
        bodies(server)
          .map((b) => b.events.length)
          .sort(),
      ).toEqual([6, 7, 7]);
      await exporter.shutdown();
    });

    it('sends the path, bearer key, JSON content type and User-Agent of the v1 API', async () => {
      const exporter = make();
      await exportAll(exporter, taskSpans(1));
      const [req] = server.requests;
      expect(req?.method).toBe('POST');
      expect(req?.url).toBe('/v1/events/batch');
      expect(req?.headers.authorization).toBe(`Bearer ${'ab'.repeat(32)}`);
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers['user-agent']).toBe(USER_AGENT);
      expect(USER_AGENT).toMatch(/^mosaicstack-telemetry-otel\/\d+\.\d+\.\d+$/);
      await exporter.shutdown();
    });

    it('puts nothing but schema fields on the wire, whatever else the span carries', async () => {
      const exporter = make();
      await exportAll(
        exporter,
        taskSpans(3, {
          'gen_ai.prompt': 'SECRET-PROMPT-TEXT',
          'gen_ai.completion': 'SECRET-COMPLETION-TEXT',
          'enduser.id': 'someone@example.com',
          'http.url': 'https://internal.example.com/private',
          'mosaic.task.notes': 'SECRET-NOTES',
        }),
      );
      const raw = server.requests.map((r) => r.body).join('\n');
      for (const secret of ['SECRET', 'someone@example.com', 'internal.example.com']) {
        expect(raw).not.toContain(secret);
      }
      await exporter.shutdown();
    });

    it('does nothing and reports success when telemetry is off', async () => {
      const exporter = make({ enabled: false });
      expect((await exportAll(exporter, taskSpans(2))).code).toBe(0);
      await exporter.forceFlush();
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('retries', () => {
    it('waits out a 429 with Retry-After in seconds, then delivers', async () => {
      server.respondWith((req, i) =>
        i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : acceptAll(req),
      );
      const exporter = make();
      const started = Date.now();
      expect((await exportAll(exporter, taskSpans(2))).code).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(server.requests).toHaveLength(2);
      expect(errors).toEqual([]);
      await exporter.shutdown();
    });

    it('honours a Retry-After HTTP date', async () => {
      server.respondWith((req, i) =>
        i === 0
          ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }
          : acceptAll(req),
      );
      const exporter = make();
      const started = Date.now();
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(0);
      // HTTP dates have whole-second precision, so the wait is between 1 and 2 s.
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(server.requests).toHaveLength(2);
      await exporter.shutdown();
    });

    it('retries 503 then succeeds with the same event ids', async () => {
      server.respondWith((req, i) => (i < 2 ? { status: 503 } : acceptAll(req)));
      const exporter = make();
      expect((await exportAll(exporter, taskSpans(5))).code).toBe(0);
      const [first, , third] = bodies(server);
      expect(third?.events.map((e) => e.event_id)).toEqual(first?.events.map((e) => e.event_id));
      await exporter.shutdown();
    });

    it('retries a connection reset', async () => {
      server.respondWith((req, i) => (i === 0 ? 'reset' : acceptAll(req)));
      const exporter = make();
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(0);
      expect(server.requests).toHaveLength(2);
      await exporter.shutdown();
    });

    it('retries a request that times out', async () => {
      server.respondWith((req, i) =>
        i === 0 ? { ...(acceptAll(req) as object), status: 200, delayMs: 1000 } : acceptAll(req),
      );
      const exporter = make({ requestTimeoutMs: 200 });
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(0);
      expect(server.requests).toHaveLength(2);
      await exporter.shutdown();
    });

    it('never retries a 403 and reports it once', async () => {
      server.respondWith(() => ({ status: 403, body: '{"error":"instance mismatch"}' }));
      const exporter = make();
      // The loss is reported through onError; the export result stays SUCCESS (see deliver()).
      const result = await exportAll(exporter, taskSpans(3));
      expect(result.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ kind: 'forbidden', status: 403, eventCount: 3 });
      expect(exporter.carryOverSize).toBe(0);
      await exporter.shutdown();
    });

    it('never retries a 400', async () => {
      server.respondWith(() => ({ status: 400, body: '{"error":"events: must be an array"}' }));
      const exporter = make();
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(errors[0]).toMatchObject({ kind: 'bad-request', status: 400 });
      expect(errors[0]?.message).toContain('events: must be an array');
      await exporter.shutdown();
    });
  });

  describe('partial success', () => {
    it('reads each rejected event and treats duplicates as delivered', async () => {
      server.respondWith((req) => {
        const events = (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events;
        return {
          status: 200,
          body: JSON.stringify({
            accepted: events.length - 2,
            rejected: 2,
            results: events.map((e, i) => ({
              event_id: e.event_id,
              status: i < 2 ? 'rejected' : 'accepted',
              error: i === 0 ? 'model: must be a string' : i === 1 ? 'duplicate event_id' : null,
            })),
          }),
        };
      });
      const exporter = make();
      expect((await exportAll(exporter, taskSpans(4))).code).toBe(0);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ kind: 'rejected', eventCount: 1 });
      expect(errors[0]?.message).toContain('model: must be a string');
      expect(exporter.carryOverSize).toBe(0);
      await exporter.shutdown();
    });

    it('resends a batch whose 200 answer cannot be read', async () => {
      server.respondWith((req, i) =>
        i === 0 ? { status: 200, body: '{"accepted":' } : acceptAll(req),
      );
      const exporter = make();
      expect((await exportAll(exporter, taskSpans(2))).code).toBe(0);
      expect(exporter.carryOverSize).toBe(2);
      await exporter.forceFlush();
      expect(exporter.carryOverSize).toBe(0);
      expect(bodies(server)[1]?.events.map((e) => e.event_id)).toEqual(
        bodies(server)[0]?.events.map((e) => e.event_id),
      );
      await exporter.shutdown();
    });
  });

  describe('carry-over', () => {
    it('keeps events that failed after the retries and delivers them first on the next flush', async () => {
      let up = false;
      server.respondWith((req) => (up ? acceptAll(req) : { status: 503 }));
      const exporter = make({ maxRetries: 1 });
      const first = taskSpans(3);
      // Kept for later, so the export result is SUCCESS: FAILED would make the SDK's BSP pile up
      // concurrent exports (see deliver()).
      const result = await exportAll(exporter, first);
      expect(result.code).toBe(0);
      expect(server.requests).toHaveLength(2);
      expect(exporter.carryOverSize).toBe(3);
      expect(errors[0]).toMatchObject({ kind: 'retries-exhausted', eventCount: 3 });

      up = true;
      const second = taskSpans(2);
      expect((await exportAll(exporter, second)).code).toBe(0);
      const delivered = bodies(server)
        .at(-1)
        ?.events.map((e) => e.event_id);
      expect(delivered).toHaveLength(5);
      expect(delivered?.slice(0, 3)).toEqual(bodies(server)[0]?.events.map((e) => e.event_id));
      expect(exporter.carryOverSize).toBe(0);
      await exporter.shutdown();
    });

    it('drops the oldest events past the cap and counts them', async () => {
      server.respondWith(() => ({ status: 503 }));
      const exporter = make({ maxRetries: 0, maxQueueSize: 4 });
      await exportAll(exporter, taskSpans(3));
      await exportAll(exporter, taskSpans(3));
      expect(exporter.carryOverSize).toBe(4);
      const dropped = errors.filter((e) => e.kind === 'dropped');
      expect(dropped).toHaveLength(1);
      expect(dropped[0]?.eventCount).toBe(2);
      // The kept four are the newest: one of the first export and all three of the second... in order.
      const lastIds =
        bodies(server)
          .at(-1)
          ?.events.map((e) => e.event_id) ?? [];
      server.respondWith(acceptAll);
      await exporter.forceFlush();
      const flushed =
        bodies(server)
          .at(-1)
          ?.events.map((e) => e.event_id) ?? [];
      expect(flushed).toEqual(lastIds.slice(2));
      await exporter.shutdown();
    });
  });

  describe('dryRun', () => {
    it('logs the batch with the key redacted and sends nothing', async () => {
      const { lines, stop } = captureDiag(DiagLogLevel.INFO);
      try {
        const exporter = make({ dryRun: true });
        expect((await exportAll(exporter, taskSpans(2))).code).toBe(0);
        expect(server.requests).toHaveLength(0);
        const log = lines.join('\n');
        expect(log).toContain('dry run: POST');
        expect(log).toContain('Bearer [REDACTED]');
        expect(log).toContain('"task_type":"implementation"');
        expect(log).not.toContain('ab'.repeat(32));
        await exporter.shutdown();
      } finally {
        stop();
      }
    });
  });

  describe('shutdown', () => {
    it('waits for exports in flight, then refuses new ones', async () => {
      server.respondWith((req) => ({ ...(acceptAll(req) as object), status: 200, delayMs: 150 }));
      const exporter = make();
      const results: ExportResultLike[] = [];
      exporter.export(taskSpans(2), (r) => results.push(r));
      await exporter.shutdown();
      expect(results).toEqual([{ code: 0 }]);
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(1);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('onError', () => {
    it('survives an onError that throws', async () => {
      server.respondWith(() => ({ status: 403 }));
      const exporter = new MosaicSpanExporter({
        ...testConfig(server.url),
        onError: () => {
          throw new Error('host bug');
        },
      });
      expect((await exportAll(exporter, taskSpans(1))).code).toBe(0);
      await exporter.shutdown();
    });
  });
});

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import {
  type MosaicDeliveryError,
  MosaicSpanExporter,
  type MosaicTelemetryConfig,
} from '@mosaicstack/telemetry-exporter';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { finishedSpans, testConfig } from '../support/finished-spans.js';
import {
  acceptAll,
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';
import { watchProcess } from './fault-harness.js';

const idsOf = (req: RecordedRequest) =>
  (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events.map((e) => e.event_id);

/** A host with our processor on a real provider, recording `n` task spans at once. */
function host(config: MosaicTelemetryConfig) {
  const errors: MosaicDeliveryError[] = [];
  const processor = processorWithFastRetries({ ...config, onError: (e) => errors.push(e) }, 5);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('hostile');
  return {
    provider,
    errors,
    record(n: number) {
      for (let i = 0; i < n; i++) {
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } }).end();
      }
    },
    /** Events reported as never to be delivered. */
    dropped: () => errors.filter((e) => e.kind === 'dropped').reduce((n, e) => n + e.eventCount, 0),
  };
}

describe('MosaicSpanProcessor against hostile answers', () => {
  let server: RecordingServer;
  let watch: ReturnType<typeof watchProcess>;
  beforeEach(async () => {
    server = await startRecordingServer();
    watch = watchProcess();
  });
  afterEach(async () => {
    await server.close();
    watch.stop();
    expect(watch.escaped).toEqual([]);
  });

  describe('malformed 200', () => {
    it('resends events an "all accepted" answer with unreadable results claimed', async () => {
      server.respondWith((req, index) =>
        index === 0
          ? { status: 200, body: '{"accepted":5,"rejected":0,"results":[NOT JSON {"x":1}]}' }
          : acceptAll(req),
      );
      const h = host({ ...testConfig(server.url), maxRetries: 0 });
      h.record(5);
      await h.provider.forceFlush();
      expect(h.errors.map((e) => e.message)).toEqual(['unreadable response to a batch']);
      await h.provider.forceFlush();
      expect(server.requests).toHaveLength(2);
      expect(idsOf(server.requests[1] as RecordedRequest)).toEqual(
        idsOf(server.requests[0] as RecordedRequest),
      );
      await h.provider.shutdown();
      expect(h.dropped()).toBe(0);
    });

    it('never rejects and resends when a result names its event_id with an object', async () => {
      const hostile = (req: RecordedRequest) => ({
        status: 200,
        body: JSON.stringify({
          accepted: 0,
          rejected: idsOf(req).length,
          results: idsOf(req).map(() => ({
            event_id: { toString: 1 },
            status: 'rejected',
            error: 'x',
          })),
        }),
      });
      server.respondWith((req, index) => (index < 2 ? hostile(req) : acceptAll(req)));
      const h = host({ ...testConfig(server.url), maxRetries: 0 });
      h.record(5);
      await expect(h.provider.forceFlush()).resolves.toBeUndefined();
      await expect(h.provider.forceFlush()).resolves.toBeUndefined();
      await h.provider.forceFlush();
      const delivered = idsOf(server.requests.at(-1) as RecordedRequest);
      expect(delivered).toHaveLength(5);
      expect(delivered).toEqual(idsOf(server.requests[0] as RecordedRequest));
      expect(h.errors.every((e) => e.kind === 'retries-exhausted')).toBe(true);
      await h.provider.shutdown();
    });

    it('never rejects forceFlush of an exporter holding a carry-over when answers are ill-typed', async () => {
      server.respondWith(() => ({
        status: 200,
        body: '{"accepted":0,"rejected":1,"results":[{"event_id":{"toString":1},"status":"rejected"}]}',
      }));
      const exporter = new MosaicSpanExporter({
        ...testConfig(server.url),
        maxRetries: 0,
        onError: () => {},
      });
      await new Promise((resolve) => exporter.export(finishedSpans([{}]), resolve));
      expect(exporter.carryOverSize).toBe(1);
      await expect(exporter.forceFlush()).resolves.toBeUndefined();
      expect(exporter.carryOverSize).toBe(1);
      await exporter.shutdown();
    });
  });

  describe('oversized answer', () => {
    it('counts an answer over 4 MiB as one failure, not one per retry', async () => {
      const huge = `{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`;
      server.respondWith((req, index) =>
        index < 2 ? { status: 200, body: huge } : acceptAll(req),
      );
      const h = host({ ...testConfig(server.url), maxRetries: 3 });
      h.record(1);
      // The export's request, then the flush's resend of the carry-over: each once, not 4 times.
      await h.provider.forceFlush();
      expect(server.requests).toHaveLength(2);
      expect(h.errors).toHaveLength(2);
      for (const error of h.errors) {
        expect(error).toMatchObject({ kind: 'retries-exhausted', eventCount: 1, status: 200 });
        expect(error.message).toMatch(/over 4194304 bytes/);
      }
      await h.provider.forceFlush();
      expect(server.requests).toHaveLength(3);
      await h.provider.shutdown();
      expect(h.dropped()).toBe(0);
    });
  });
});

describe('MosaicSpanProcessor against a server that never answers', () => {
  let silent: net.Server;
  let url: string;
  const sockets = new Set<net.Socket>();
  beforeEach(async () => {
    // Accepts connections and reads requests, never answers.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  describe('shutdown', () => {
    it('ends within shutdownTimeoutMs with a full carry-over, counting every event not delivered', async () => {
      const h = host({
        ...testConfig(url),
        shutdownTimeoutMs: 1000,
        requestTimeoutMs: 10_000,
        maxRetries: 3,
        maxQueueSize: 1000,
      });
      h.record(1000);
      // The flush ends at its deadline: everything abandoned is carried over, reported.
      let started = performance.now();
      await h.provider.forceFlush();
      expect(performance.now() - started).toBeLessThan(5000);
      expect(h.errors.some((e) => e.kind === 'retries-exhausted')).toBe(true);
      h.record(500);
      started = performance.now();
      await h.provider.shutdown();
      expect(performance.now() - started).toBeLessThan(5000);
      // Nothing was delivered: every span recorded is reported lost (carry-over cap included).
      expect(h.dropped()).toBe(1500);
    });

    it('bounds a forceFlush and a shutdown of the exporter alone', async () => {
      const errors: MosaicDeliveryError[] = [];
      const exporter = new MosaicSpanExporter({
        ...testConfig(url),
        shutdownTimeoutMs: 500,
        onError: (e) => errors.push(e),
      });
      exporter.export(finishedSpans([{}, {}]), () => {});
      let started = performance.now();
      await exporter.forceFlush();
      expect(performance.now() - started).toBeLessThan(4000);
      expect(exporter.carryOverSize).toBe(2);
      started = performance.now();
      await exporter.shutdown();
      expect(performance.now() - started).toBeLessThan(4000);
      expect(errors.filter((e) => e.kind === 'dropped')).toMatchObject([{ eventCount: 2 }]);
    });
  });
});

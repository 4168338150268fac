import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, DiagLogLevel, trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import { testConfig } from '../../../../test/support/finished-spans.js';
import {
  acceptAll,
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { MosaicSpanExporter } from '../../src/exporter/mosaic-span-exporter.js';
import { createMosaicSpanProcessor } from '../../src/processor/create-mosaic-span-processor.js';
import { MosaicSpanProcessor } from '../../src/processor/mosaic-span-processor.js';
import { NOOP_SPAN_PROCESSOR } from '../../src/processor/noop-span-processor.js';
import { processorWithFastRetries } from '../support/fast-retries.js';

const events = (server: RecordingServer) =>
  server.requests.flatMap(
    (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
  );

describe('createMosaicSpanProcessor', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('when enabled', () => {
    it('delivers task spans only, each a valid event, on forceFlush', async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [createMosaicSpanProcessor(testConfig(server.url))],
      });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 5; i++) {
        tracer.startSpan('GET /health').end();
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } }).end();
      }
      await provider.forceFlush();
      const sent = events(server);
      expect(sent).toHaveLength(5);
      for (const e of sent) expect(validateTaskCompletionEvent(e)).toEqual([]);
      await provider.shutdown();
    });

    it('posts to /v1/events/batch when the serverUrl already ends in /v1/', async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [createMosaicSpanProcessor(testConfig(`${server.url}/v1/`))],
      });
      provider
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } })
        .end();
      await provider.forceFlush();
      expect(server.requests.map((r) => r.url)).toEqual(['/v1/events/batch']);
      await provider.shutdown();
    });

    it('exports a span that became a task only after it started', async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [createMosaicSpanProcessor(testConfig(server.url))],
      });
      const span = provider.getTracer('app').startSpan('late');
      span.setAttribute('mosaic.task.type', 'planning');
      span.end();
      await provider.forceFlush();
      expect(events(server).map((e) => e.task_type)).toEqual(['planning']);
      await provider.shutdown();
    });

    it('delivers everything queued on shutdown, in requests of at most 100', async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [
          createMosaicSpanProcessor({ ...testConfig(server.url), maxQueueSize: 2000 }),
        ],
      });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 1234; i++) {
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'implementation' } }).end();
      }
      await provider.shutdown();
      expect(new Set(events(server).map((e) => e.event_id)).size).toBe(1234);
      expect(
        Math.max(
          ...server.requests.map(
            (r) => (JSON.parse(r.body) as { events: unknown[] }).events.length,
          ),
        ),
      ).toBe(100);
    });

    it('delivers the carry-over on the next forceFlush once the server is back', async () => {
      let up = false;
      server.respondWith((req) => (up ? acceptAll(req) : { status: 503 }));
      const provider = new BasicTracerProvider({
        spanProcessors: [
          processorWithFastRetries({ ...testConfig(server.url), maxRetries: 0 }, 10),
        ],
      });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 3; i++)
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } }).end();
      // While the server is down, the flush tries the batch and then the carry-over, both refused.
      await provider.forceFlush();
      const whileDown = server.requests.length;
      expect(whileDown).toBe(2);
      up = true;
      await provider.forceFlush();
      expect(server.requests).toHaveLength(whileDown + 1);
      expect(
        (JSON.parse(server.requests[whileDown]?.body ?? '') as { events: unknown[] }).events,
      ).toHaveLength(3);
      await provider.shutdown();
    });

    it('delivers the carry-over on shutdown even when the last batch export failed', async () => {
      server.respondWith((req, i) => (i === 0 ? { status: 503 } : acceptAll(req)));
      const provider = new BasicTracerProvider({
        spanProcessors: [createMosaicSpanProcessor({ ...testConfig(server.url), maxRetries: 0 })],
      });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 150; i++) {
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } }).end();
      }
      await provider.shutdown();
      const delivered = server.requests
        .slice(1)
        .flatMap((r) => (JSON.parse(r.body) as { events: Array<{ event_id: string }> }).events);
      expect(new Set(delivered.map((e) => e.event_id)).size).toBe(150);
    });

    it('never throws into the host when the server is unreachable', async () => {
      const url = server.url;
      await server.close();
      const provider = new BasicTracerProvider({
        spanProcessors: [createMosaicSpanProcessor({ ...testConfig(url), maxRetries: 0 })],
      });
      provider
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } })
        .end();
      await expect(provider.forceFlush()).resolves.toBeUndefined();
      await expect(provider.shutdown()).resolves.toBeUndefined();
      server = await startRecordingServer();
    });
  });

  describe('when disabled', () => {
    it('returns the no-op processor by default', () => {
      const { enabled: _enabled, ...config } = testConfig(server.url);
      expect(createMosaicSpanProcessor(config)).toBe(NOOP_SPAN_PROCESSOR);
    });

    it('returns the no-op processor when MOSAIC_TELEMETRY_ENABLED=0 overrides code', () => {
      vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '0');
      expect(createMosaicSpanProcessor(testConfig(server.url))).toBe(NOOP_SPAN_PROCESSOR);
    });

    it('logs every problem of an invalid config once and runs disabled', () => {
      const diag = captureDiag(DiagLogLevel.WARN);
      try {
        const config = {
          enabled: true,
          serverUrl: 'http://telemetry.example.com',
          apiKey: 'nope-key',
          instanceId: 'x',
        };
        expect(createMosaicSpanProcessor(config)).toBe(NOOP_SPAN_PROCESSOR);
        expect(createMosaicSpanProcessor(config)).toBe(NOOP_SPAN_PROCESSOR);
        expect(diag.lines).toHaveLength(3);
        expect(diag.lines.join('\n')).toMatch(/serverUrl: plain http/);
        expect(diag.lines.join('\n')).toMatch(/apiKey: expected 64 hex/);
        expect(diag.lines.join('\n')).toMatch(/instanceId: expected a UUID/);
        expect(diag.lines.join('\n')).not.toContain('nope-key');
      } finally {
        diag.stop();
      }
    });
  });
});

describe('MosaicSpanProcessor', () => {
  describe('constructor', () => {
    it('folds child usage when wired by hand around an own BatchSpanProcessor', async () => {
      const server = await startRecordingServer();
      try {
        const exporter = new MosaicSpanExporter(testConfig(server.url));
        const provider = new BasicTracerProvider({
          spanProcessors: [new MosaicSpanProcessor(new BatchSpanProcessor(exporter), exporter)],
        });
        const tracer = provider.getTracer('app');
        const task = tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'debugging' } });
        const parent = trace.setSpan(context.active(), task);
        for (const tokens of [100, 250]) {
          tracer
            .startSpan(
              'chat',
              {
                attributes: {
                  'gen_ai.operation.name': 'chat',
                  'gen_ai.request.model': 'gpt-4o',
                  'gen_ai.provider.name': 'openai',
                  'gen_ai.usage.input_tokens': tokens,
                  'gen_ai.usage.output_tokens': tokens / 10,
                },
              },
              parent,
            )
            .end();
        }
        task.end();
        await provider.forceFlush();
        expect(events(server)).toMatchObject([
          {
            actual_input_tokens: 350,
            actual_output_tokens: 35,
            model: 'gpt-4o',
            provider: 'openai',
          },
        ]);
        await provider.shutdown();
      } finally {
        await server.close();
      }
    });
  });
});

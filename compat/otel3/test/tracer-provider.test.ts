import { createRequire } from 'node:module';
import { createMosaicSpanProcessor, MosaicSpanExporter } from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

describe('createMosaicSpanProcessor on the OTel SDK 3.x', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    diag.disable();
    await server.close();
  });

  describe('with new TracerProvider({ spanProcessors })', () => {
    it('delivers each task span as a valid event, and no other span', async () => {
      const processor = createMosaicSpanProcessor(
        testConfig(server.url),
      ) as unknown as SpanProcessor;
      const provider = new TracerProvider({ spanProcessors: [processor] });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 3; i++) {
        tracer.startSpan('GET /health').end();
        tracer
          .startSpan('task', {
            attributes: {
              'mosaic.task.type': 'testing',
              'mosaic.task.complexity': 'low',
              'gen_ai.request.model': 'claude-sonnet-4-5',
              'gen_ai.provider.name': 'anthropic',
              'gen_ai.usage.input_tokens': 1000 + i,
            },
          })
          .end();
      }
      await provider.forceFlush();
      const events = server.events();
      expect(events).toHaveLength(3);
      for (const event of events) expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(
        events.map((e) => [e.task_type, e.complexity, e.provider, e.actual_input_tokens]),
      ).toEqual([
        ['testing', 'low', 'anthropic', 1000],
        ['testing', 'low', 'anthropic', 1001],
        ['testing', 'low', 'anthropic', 1002],
      ]);
      await provider.shutdown();
    });

    it('delivers everything queued on shutdown, in requests of at most 100', async () => {
      const processor = createMosaicSpanProcessor({
        ...testConfig(server.url),
        maxQueueSize: 500,
      }) as unknown as SpanProcessor;
      const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('app');
      for (let i = 0; i < 250; i++) {
        tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'implementation' } }).end();
      }
      await processor.shutdown();
      expect(new Set(server.events().map((e) => e.event_id)).size).toBe(250);
      expect(Math.max(...server.batches.map((b) => b.events.length))).toBe(100);
    });

    it('exports a span that became a task only after it started', async () => {
      const processor = createMosaicSpanProcessor(
        testConfig(server.url),
      ) as unknown as SpanProcessor;
      const provider = new TracerProvider({ spanProcessors: [processor] });
      const span = provider.getTracer('app').startSpan('late');
      span.setAttribute('mosaic.task.type', 'planning');
      span.end();
      await provider.forceFlush();
      expect(server.events().map((e) => e.task_type)).toEqual(['planning']);
      await provider.shutdown();
    });
  });

  describe('its batch span processor', () => {
    it('is the 3.x BatchSpanProcessor, built from one options object with our exporter', async () => {
      const processor = createMosaicSpanProcessor({
        ...testConfig(server.url),
        maxQueueSize: 300,
        batchSize: 50,
        submitIntervalMs: 12_345,
      });
      const batch = (processor as unknown as { batch: unknown }).batch as BatchSpanProcessor & {
        _exporter: unknown;
        _maxQueueSize: number;
        _maxExportBatchSize: number;
        _scheduledDelayMillis: number;
      };
      // We load the SDK with require(), so the class is the one of its CommonJS build.
      const cjs = createRequire(import.meta.url)('@opentelemetry/sdk-trace') as {
        BatchSpanProcessor: typeof BatchSpanProcessor;
      };
      expect(batch).toBeInstanceOf(cjs.BatchSpanProcessor);
      expect(batch._exporter).toBeInstanceOf(MosaicSpanExporter);
      expect(batch._maxQueueSize).toBe(300);
      // Four requests' worth per export, so the exporter can send them concurrently.
      expect(batch._maxExportBatchSize).toBe(200);
      expect(batch._scheduledDelayMillis).toBe(12_345);
      await processor.shutdown();
    });

    it('is found with only the 3.x SDK installed, without an error logged', async () => {
      const errors: string[] = [];
      diag.setLogger(
        {
          error: (...args: unknown[]) => errors.push(args.map(String).join(' ')),
          warn: (...args: unknown[]) => errors.push(args.map(String).join(' ')),
          info: () => {},
          debug: () => {},
          verbose: () => {},
        },
        { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
      );
      // The 2.x line is not installed in this project, neither for us nor for the exporter.
      const exporterEntry = createRequire(import.meta.url).resolve(
        '@mosaicstack/telemetry-exporter',
      );
      for (const from of [import.meta.url, exporterEntry]) {
        expect(() => createRequire(from).resolve('@opentelemetry/sdk-trace-base')).toThrow();
      }
      const processor = createMosaicSpanProcessor(testConfig(server.url));
      expect(processor.constructor.name).toBe('MosaicSpanProcessor');
      await processor.shutdown();
      expect(errors).toEqual([]);
    });
  });
});

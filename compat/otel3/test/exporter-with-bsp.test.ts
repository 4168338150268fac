import { MosaicSpanExporter } from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

describe('MosaicSpanExporter on the OTel SDK 3.x', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('behind the 3.x span processors', () => {
    it('delivers 3.x spans through new BatchSpanProcessor({ exporter }) as valid events with their times, status and attributes', async () => {
      const exporter = new MosaicSpanExporter(testConfig(server.url)) as unknown as SpanExporter;
      const provider = new TracerProvider({
        spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 60_000 })],
      });
      const tracer = provider.getTracer('app');
      const ok = tracer.startSpan('task', {
        startTime: 1_700_000_000_000,
        attributes: {
          'mosaic.task.type': 'debugging',
          'mosaic.quality.gates_run': ['build', 'test'],
          'mosaic.quality.passed': true,
          'mosaic.task.language': 'typescript',
        },
      });
      ok.end(1_700_000_012_345);
      const failed = tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } });
      failed.setStatus({ code: SpanStatusCode.ERROR });
      failed.end();
      await provider.forceFlush();

      const [first, second] = server.events();
      for (const event of server.events()) expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(first).toMatchObject({
        task_type: 'debugging',
        task_duration_ms: 12_345,
        timestamp: '2023-11-14T22:13:32.345Z',
        quality_gates_run: ['build', 'test'],
        quality_gate_passed: true,
        language: 'typescript',
        outcome: 'success',
      });
      expect(second?.outcome).toBe('failure');
      await provider.shutdown();
    });

    it('gives the same event id to a span exported twice (via new SimpleSpanProcessor({ exporter }) and again)', async () => {
      const exporter = new MosaicSpanExporter(testConfig(server.url)) as unknown as SpanExporter;
      const provider = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      });
      const span = provider.getTracer('app').startSpan('task', {
        attributes: { 'mosaic.task.type': 'refactoring' },
      });
      span.end();
      await provider.forceFlush();
      const again = await new Promise<number>((resolve) =>
        exporter.export([span as never], (result) => resolve(result.code)),
      );
      expect(again).toBe(0);
      const ids = server.events().map((e) => e.event_id);
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(ids[1]);
      await provider.shutdown();
    });
  });
});

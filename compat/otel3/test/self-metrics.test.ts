import { MosaicSpanExporter } from '@mosaicstack/telemetry-exporter';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

/** A reader collected by hand. */
class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('self-metrics on the OTel SDK 3.x', () => {
  let server: RecordingServer;
  let reader: ManualReader;
  beforeEach(async () => {
    server = await startRecordingServer();
    reader = new ManualReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  afterEach(async () => {
    metrics.disable();
    await server.close();
  });

  describe('mosaic.telemetry.events', () => {
    it('counts accepted events on a 3.x MeterProvider', async () => {
      const exporter = new MosaicSpanExporter(testConfig(server.url));
      const tracer = new TracerProvider().getTracer('app');
      const spans = Array.from({ length: 3 }, () => {
        const span = tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } });
        span.end();
        return span;
      });
      const code = await new Promise<number>((resolve) =>
        (exporter as unknown as SpanExporter).export(spans as never, (r) => resolve(r.code)),
      );
      expect(code).toBe(0);

      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const events = all.find((m) => m.descriptor.name === 'mosaic.telemetry.events');
      expect(events?.dataPoints.map((p) => [p.attributes.result, p.value])).toEqual([
        ['accepted', 3],
      ]);
      expect(all.map((m) => m.descriptor.name)).toContain('mosaic.telemetry.export.duration');
      await exporter.shutdown();
    });
  });
});

import { metrics } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedSpans, testConfig } from '../../../../test/support/finished-spans.js';
import {
  acceptAll,
  type RecordedResponse,
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import type { MosaicSpanExporter } from '../../src/exporter/mosaic-span-exporter.js';
import type { ExportResultLike } from '../../src/otel/otel-types.js';
import type { MosaicTelemetryConfig } from '../../src/types.js';
import { exporterWithFastRetries } from '../support/fast-retries.js';

/** A reader the test collects from on demand. */
class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const SCOPE = '@mosaicstack/telemetry-exporter';

const taskSpans = (n: number, attributes: Record<string, unknown> = {}) =>
  finishedSpans(
    Array.from({ length: n }, () => ({
      attributes: { 'mosaic.task.type': 'implementation', ...attributes } as never,
    })),
  );

function exportAll(
  exporter: MosaicSpanExporter,
  spans: Parameters<MosaicSpanExporter['export']>[0],
): Promise<ExportResultLike> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Answers a v1 batch with the given per-event statuses, in order. */
function answer(statuses: Array<'accepted' | 'invalid' | 'duplicate'>) {
  return (req: { body: string }): RecordedResponse => {
    const events = (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events;
    const results = events.map((e, i) => {
      const status = statuses[i] ?? 'accepted';
      return status === 'accepted'
        ? { event_id: e.event_id, status: 'accepted', error: null }
        : {
            event_id: e.event_id,
            status: 'rejected',
            error: status === 'duplicate' ? 'Duplicate event_id' : 'task_type: invalid value',
          };
    });
    const accepted = results.filter((r) => r.status === 'accepted').length;
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accepted, rejected: results.length - accepted, results }),
    };
  };
}

describe('self-metrics', () => {
  let server: RecordingServer;
  let reader: CollectingReader;
  let provider: MeterProvider;
  const make = (overrides: Partial<MosaicTelemetryConfig> = {}) =>
    exporterWithFastRetries({ ...testConfig(server.url), onError: () => {}, ...overrides }, 1);

  /** The counter's value per `result`, and the duration histogram's data points. */
  async function collected() {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === SCOPE);
    const byName = new Map(scope?.metrics.map((m) => [m.descriptor.name, m]) ?? []);
    const events: Record<string, number> = {};
    for (const point of (byName.get('mosaic.telemetry.events')?.dataPoints ??
      []) as DataPoint<number>[]) {
      events[String(point.attributes.result)] = point.value;
    }
    const duration = byName.get('mosaic.telemetry.export.duration');
    return {
      events,
      durationUnit: duration?.descriptor.unit,
      durations: (duration?.dataPoints ?? []) as DataPoint<Histogram>[],
    };
  }

  beforeEach(async () => {
    server = await startRecordingServer();
    reader = new CollectingReader();
    provider = new MeterProvider({ readers: [reader] });
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
  });
  afterEach(async () => {
    metrics.disable();
    await provider.shutdown();
    await server.close();
  });

  describe('mosaic.telemetry.events', () => {
    it('counts accepted (duplicates included) and rejected events of a partial success', async () => {
      server.respondWith(answer(['accepted', 'invalid', 'duplicate', 'accepted', 'invalid']));
      const exporter = make();

      await exportAll(exporter, taskSpans(5));

      expect((await collected()).events).toEqual({ accepted: 3, rejected: 2 });
      await exporter.shutdown();
    });

    it('counts a whole batch the server refused with 400 as rejected', async () => {
      server.respondWith(() => ({ status: 400, body: '{"detail":"bad batch"}' }));
      const exporter = make();

      await exportAll(exporter, taskSpans(4));

      expect((await collected()).events).toEqual({ rejected: 4 });
      await exporter.shutdown();
    });

    it('counts failed events, then accepted ones once the carry-over is delivered', async () => {
      server.respondWith(() => ({ status: 503 }));
      const exporter = make({ maxRetries: 0 });

      await exportAll(exporter, taskSpans(3));
      expect((await collected()).events).toEqual({ failed: 3 });
      expect(exporter.carryOverSize).toBe(3);

      server.respondWith(acceptAll);
      await exporter.forceFlush();
      // Cumulative: the 3 failed before are still counted, and now also accepted.
      expect((await collected()).events).toEqual({ failed: 3, accepted: 3 });
      await exporter.shutdown();
    });

    it('counts events the full carry-over buffer dropped', async () => {
      server.respondWith(() => ({ status: 503 }));
      const exporter = make({ maxRetries: 0, maxQueueSize: 2 });

      await exportAll(exporter, taskSpans(3));

      expect((await collected()).events).toEqual({ failed: 3, dropped: 1 });
      expect(exporter.carryOverSize).toBe(2);
      await exporter.shutdown();
    });

    it('counts each corrected attribute value', async () => {
      const exporter = make();

      // A fractional retry count and an unknown complexity: two corrections per span.
      await exportAll(
        exporter,
        taskSpans(2, { 'mosaic.task.retry_count': 1.5, 'mosaic.task.complexity': 'galactic' }),
      );

      expect((await collected()).events).toEqual({ accepted: 2, corrected: 4 });
      await exporter.shutdown();
    });

    it('records nothing when nothing was exported', async () => {
      const exporter = make();

      await exportAll(exporter, []);

      const { events, durations } = await collected();
      expect(events).toEqual({});
      expect(durations).toEqual([]);
      await exporter.shutdown();
    });
  });

  describe('mosaic.telemetry.export.duration', () => {
    it('records one duration in seconds per export, with buckets fit for seconds', async () => {
      const exporter = make({ batchSize: 2 });

      await exportAll(exporter, taskSpans(5));
      await exportAll(exporter, taskSpans(1));

      const { durationUnit, durations } = await collected();
      expect(durationUnit).toBe('s');
      expect(durations).toHaveLength(1);
      const histogram = durations[0]?.value as Histogram;
      // One per export (the first made three requests), not one per request.
      expect(histogram.count).toBe(2);
      expect(histogram.min).toBeGreaterThan(0);
      // A loopback export takes milliseconds: it must not all fall into one default bucket
      // (the default boundaries 0, 5, 10, 25, ... are meant for milliseconds).
      const subSecond = histogram.buckets.boundaries.filter((b) => b > 0 && b < 1);
      expect(subSecond.length).toBeGreaterThanOrEqual(5);
      await exporter.shutdown();
    });
  });
});

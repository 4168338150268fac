import { type Counter, type Histogram, metrics } from '@opentelemetry/api';
import { VERSION } from '../version.js';

/** Values of the `result` attribute of `mosaic.telemetry.events`. */
export type EventResult = 'accepted' | 'rejected' | 'dropped' | 'failed' | 'corrected';

/** The exporter's own metrics (`mosaic.telemetry.events`, `...export.duration`) on the host's MeterProvider. */
export interface SelfMetrics {
  events(result: EventResult, count: number): void;
  exportDuration(seconds: number): void;
}

/**
 * Bucket boundaries (s) advised for the export duration: the SDK's default ones (0, 5, 10, 25, ...)
 * are meant for milliseconds and would put every export of a healthy server into one bucket. These
 * are the ones the OTel semantic conventions advise for durations in seconds, plus 30 and 60 s for
 * exports that wait out retries.
 */
const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60,
];

/**
 * Creates the self-metrics. Instruments are made on first use, not at construction: the API has
 * no proxy meter, so a MeterProvider registered after us would otherwise never see them.
 */
export function createSelfMetrics(): SelfMetrics {
  let counter: Counter | undefined;
  let histogram: Histogram | undefined;
  const meter = () => metrics.getMeter('@mosaicstack/telemetry-exporter', VERSION);
  return {
    events(result, count) {
      if (count <= 0) return;
      counter ??= meter().createCounter('mosaic.telemetry.events', {
        description: 'Task events by what became of them',
        unit: '{event}',
      });
      counter.add(count, { result });
    },
    exportDuration(seconds) {
      histogram ??= meter().createHistogram('mosaic.telemetry.export.duration', {
        description: 'Duration of one export of task events, retries included',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
      });
      histogram.record(seconds);
    },
  };
}

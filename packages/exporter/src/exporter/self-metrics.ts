import { type Counter, type Histogram, metrics } from '@opentelemetry/api';
import { VERSION } from '../version.js';

/** Values of the `result` attribute of `mosaic.telemetry.events`. */
export type EventResult = 'accepted' | 'rejected' | 'dropped' | 'failed' | 'corrected' | 'uncosted';

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
 * Creates the self-metrics. Instruments are made a microtask after construction (after NodeSDK's
 * `start()`, which the README calls right after `createMosaicSpanProcessor()`, has registered its
 * MeterProvider: the API has no proxy meter), and again whenever the global MeterProvider changed.
 * Not lazily at first use: that is often the export during `sdk.shutdown()`, after the
 * MeterProvider shut down, which logs "A shutdown MeterProvider cannot provide a Meter".
 */
export function createSelfMetrics(): SelfMetrics {
  let provider: unknown;
  let counter: Counter | undefined;
  let histogram: Histogram | undefined;
  const instruments = () => {
    const current = metrics.getMeterProvider();
    if (current !== provider || counter === undefined || histogram === undefined) {
      provider = current;
      const meter = current.getMeter('@mosaicstack/telemetry-exporter', VERSION);
      counter = meter.createCounter('mosaic.telemetry.events', {
        description: 'Task events by what became of them',
        unit: '{event}',
      });
      histogram = meter.createHistogram('mosaic.telemetry.export.duration', {
        description: 'Duration of one export of task events, retries included',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
      });
    }
    return { counter, histogram };
  };
  queueMicrotask(instruments);
  return {
    events(result, count) {
      if (count <= 0) return;
      instruments().counter.add(count, { result });
    },
    exportDuration(seconds) {
      instruments().histogram.record(seconds);
    },
  };
}

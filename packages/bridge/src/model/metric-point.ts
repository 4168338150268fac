import type { Attributes } from '@opentelemetry/api';

/** One data point of a counter-like metric a source reads (a monotonic sum or a histogram's sum). */
export interface MetricPoint {
  /** The metric's name. */
  readonly metric: string;
  /** The metric's unit (`USD`, `tokens`, ...), or undefined when it has none. */
  readonly unit: string | undefined;
  /** `delta`: the value counts since `startMs`; `cumulative`: since the stream's start. */
  readonly temporality: 'delta' | 'cumulative';
  /** The sum's value, or the histogram's sum. */
  readonly value: number;
  /** `startTimeUnixNano` in ms (0 when absent). */
  readonly startMs: number;
  /** `timeUnixNano` in ms. */
  readonly timeMs: number;
  /**
   * A digest of what identifies the point's stream (resource, scope, metric, every attribute of the
   * point, read or not), so two streams that differ only in attributes no source reads stay apart.
   */
  readonly stream: string;
  /** The point's attributes that some source reads (`Source.reads.metricAttributeKeys`). */
  readonly attributes: Attributes;
  /** The resource's `service.name` and `mosaic.*` attributes (what a task event reads). */
  readonly resourceAttributes: Attributes;
  /** The session its whole resource names (`senderSession`), for points that name none. */
  readonly senderSession: string;
}

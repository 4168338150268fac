/**
 * The last point seen of a metric stream: what its next point is compared with (see
 * `MetricDeltas`), and what a spool keeps of the stream.
 */
export interface MetricStreamState {
  /** The point's start time in ms (0 when absent): a new one tells a reset stream. */
  readonly startMs: number;
  readonly timeMs: number;
  readonly value: number;
}

import { BoundedMap } from '../model/bounded-map.js';
import type { MetricPoint } from '../model/metric-point.js';

/** What a data point adds to its stream since the last point seen, and over which window (ms). */
export interface MetricDelta {
  readonly amount: number;
  readonly startMs: number;
  readonly endMs: number;
}

interface StreamState {
  readonly startMs: number;
  readonly timeMs: number;
  readonly value: number;
}

/**
 * Deltas of metric streams, cumulative or delta temporality. A delta point adds its value; a
 * cumulative point adds its value minus the last value seen for its stream, or its whole value
 * when it is the stream's first point here or the stream was reset (a new start time, or a value
 * below the last). A point no newer than the last one of its stream (a resend) adds nothing.
 */
export class MetricDeltas {
  private readonly streams: BoundedMap<string, StreamState>;

  constructor(maxStreams: number) {
    this.streams = new BoundedMap(maxStreams);
  }

  /** The point's delta; undefined for a resent or older point. */
  deltaOf(point: MetricPoint): MetricDelta | undefined {
    const last = this.streams.get(point.stream);
    if (last !== undefined && point.timeMs <= last.timeMs) return undefined;
    this.streams.set(point.stream, {
      startMs: point.startMs,
      timeMs: point.timeMs,
      value: point.value,
    });
    const windowStart = point.startMs > 0 ? Math.min(point.startMs, point.timeMs) : point.timeMs;
    if (point.temporality === 'delta') {
      return { amount: point.value, startMs: windowStart, endMs: point.timeMs };
    }
    const continues =
      last !== undefined && last.startMs === point.startMs && point.value >= last.value;
    return continues
      ? { amount: point.value - last.value, startMs: last.timeMs, endMs: point.timeMs }
      : { amount: point.value, startMs: windowStart, endMs: point.timeMs };
  }
}

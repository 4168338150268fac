import { BoundedMap } from '../model/bounded-map.js';
import type { MetricPoint } from '../model/metric-point.js';
import type { MetricStreamState } from '../model/metric-stream-state.js';

/** What a data point adds to its stream since the last point seen, and over which window (ms). */
export interface MetricDelta {
  readonly amount: number;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Deltas of metric streams, cumulative or delta temporality. A delta point adds its value; a
 * cumulative point adds its value minus the last value seen for its stream, or its whole value
 * when it is the stream's first point here or the stream was reset (a new start time, or a value
 * below the last). A point no newer than the last one of its stream (a resend) adds nothing.
 * `onState` hears each stream's new last point (the spool keeps them, so a restart goes on
 * counting from there instead of counting each stream's next point whole).
 */
export class MetricDeltas {
  private readonly streams: BoundedMap<string, MetricStreamState>;

  constructor(
    maxStreams: number,
    private readonly onState?: (stream: string, state: MetricStreamState) => void,
  ) {
    this.streams = new BoundedMap(maxStreams);
  }

  /** Takes back the last points a spool kept, oldest first. */
  restore(states: readonly (readonly [stream: string, state: MetricStreamState])[]): void {
    for (const [stream, state] of states) this.streams.set(stream, state);
  }

  /** The point's delta; undefined for a resent or older point. */
  deltaOf(point: MetricPoint): MetricDelta | undefined {
    const last = this.streams.get(point.stream);
    if (last !== undefined && point.timeMs <= last.timeMs) return undefined;
    const state = { startMs: point.startMs, timeMs: point.timeMs, value: point.value };
    this.streams.set(point.stream, state);
    this.onState?.(point.stream, state);
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

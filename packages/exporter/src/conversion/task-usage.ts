import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { RequestUsage } from '../derive/usage-breakdown.js';

/** Model-call usage folded into a task from the calls beneath it: what a conversion reads. */
export interface TaskUsage {
  /** Every input token the calls read, cache reads and cache writes included. */
  inputTokens: number;
  /** Every token the calls generated, reasoning included. */
  outputTokens: number;
  /** Model of the calls; the first one seen wins. */
  model: string | undefined;
  /** Provider of the calls; the first one seen wins. */
  provider: Provider | undefined;
  /** The calls' cost in USD micros, computed from their breakdown; the span's own cost wins. */
  costMicros?: number | undefined;
}

/** A task's usage as the in-process tracker keeps it: the totals and how many calls made them. */
export interface TrackedTaskUsage extends TaskUsage {
  /** Model calls counted. */
  calls: number;
  /**
   * The counted calls one by one, each with its breakdown, to price each at its own model, tier
   * and date; listed when asked (at conversion), never as calls end.
   */
  requests?(): readonly RequestUsage[];
  /**
   * Lets go of what {@link requests} reads, once the task is converted (the totals stay): the
   * calls' numbers go back to the tracker's pool instead of waiting for the collector.
   */
  release?(): void;
}

/**
 * Folded usage per task span, written by the processor and read by the exporter. Keyed weakly so
 * a span the exporter never sees is simply collected; the span itself is never written to.
 */
export type TaskUsageStore = WeakMap<object, TrackedTaskUsage>;

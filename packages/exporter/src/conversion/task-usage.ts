import type { Provider } from '@mosaicstack/telemetry-semconv';

/** Model-call usage folded into a task from the calls beneath it: what a conversion reads. */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  /** Model of the calls; the first one seen wins. */
  model: string | undefined;
  /** Provider of the calls; the first one seen wins. */
  provider: Provider | undefined;
}

/** A task's usage as the in-process tracker keeps it: the totals and how many calls made them. */
export interface TrackedTaskUsage extends TaskUsage {
  /** Model calls counted. */
  calls: number;
}

/**
 * Folded usage per task span, written by the processor and read by the exporter. Keyed weakly so
 * a span the exporter never sees is simply collected; the span itself is never written to.
 */
export type TaskUsageStore = WeakMap<object, TrackedTaskUsage>;

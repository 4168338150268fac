import type { SpanProcessorLike } from '../otel/otel-types.js';

const resolved = Promise.resolve();

/** The processor of disabled telemetry: does nothing, costs a call per span. */
export const NOOP_SPAN_PROCESSOR: SpanProcessorLike = Object.freeze({
  onStart(): void {},
  onEnd(): void {},
  forceFlush: () => resolved,
  shutdown: () => resolved,
});

import { loadTraceSdk } from './load-trace-sdk.js';
import type { SpanExporterLike, SpanProcessorLike } from './otel-types.js';

/** The `BatchSpanProcessor` options we set (names shared by the 2.x and 3.x SDK). */
export interface BatchOptions {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
}

/**
 * Builds the SDK's BatchSpanProcessor in front of `exporter`, calling the constructor the way the
 * installed SDK line wants it.
 */
export function createBatchSpanProcessor(
  exporter: SpanExporterLike,
  options: BatchOptions,
): SpanProcessorLike {
  const sdk = loadTraceSdk();
  // 3.x takes one object ({ exporter, ...config }).
  return sdk.major === 3
    ? new sdk.BatchSpanProcessor({ exporter, ...options })
    : new sdk.BatchSpanProcessor(exporter, options);
}

import { reportConfig } from '../../src/config/report-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { MosaicSpanExporter } from '../../src/exporter/mosaic-span-exporter.js';
import type { SpanProcessorLike } from '../../src/otel/otel-types.js';
import { createPipeline } from '../../src/processor/create-mosaic-span-processor.js';
import { createExporterParts } from '../../src/processor/exporter-parts.js';
import { NOOP_SPAN_PROCESSOR } from '../../src/processor/noop-span-processor.js';
import type { MosaicTelemetryConfig } from '../../src/types.js';

/**
 * What `createMosaicSpanProcessor(config)` builds, its retries backing off from `retryBaseDelayMs`
 * instead of a second, so retry tests run in milliseconds.
 */
export function processorWithFastRetries(
  config: MosaicTelemetryConfig,
  retryBaseDelayMs: number,
): SpanProcessorLike {
  const resolved = resolveConfig(config);
  if (!reportConfig(resolved)) return NOOP_SPAN_PROCESSOR;
  return createPipeline(resolved, createExporterParts(resolved, { retryBaseDelayMs }));
}

/** What `new MosaicSpanExporter(config)` builds, its retries backing off from `retryBaseDelayMs`. */
export function exporterWithFastRetries(
  config: MosaicTelemetryConfig,
  retryBaseDelayMs: number,
): MosaicSpanExporter {
  const resolved = resolveConfig(config);
  reportConfig(resolved);
  return createExporterParts(resolved, { retryBaseDelayMs }).exporter;
}

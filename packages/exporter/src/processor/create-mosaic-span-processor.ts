// processor/: the pipeline in the host's tracer provider: usage folding, BSP, exporter.
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { exportTimeoutMs, REQUESTS_PER_EXPORT } from '../exporter/delivery-budget.js';
import { createBatchSpanProcessor } from '../otel/create-batch-span-processor.js';
import { logger } from '../otel/diag-logger.js';
import type { SpanProcessorLike } from '../otel/otel-types.js';
import { asError } from '../otel/safe-call.js';
import type { MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { createExporterParts, type ExporterParts } from './exporter-parts.js';
import { ImmediateSpanProcessor } from './immediate-span-processor.js';
import { brandProcessor } from './mosaic-processor-brand.js';
import { MosaicSpanProcessor } from './mosaic-span-processor.js';
import { NOOP_SPAN_PROCESSOR } from './noop-span-processor.js';

/** Exports in flight at once in `exportMode: 'immediate'`. */
const IMMEDIATE_CONCURRENT_EXPORTS = 2;

/**
 * The one-line integration: a span processor that reports finished task spans to a Mosaic
 * Telemetry server. Register it next to your other processors. It builds the pipeline: the task
 * usage tracker (the processor folds model-call usage with it, the exporter reads it), the
 * exporter with its delivery and the SDK's BatchSpanProcessor in front of it. When telemetry is off, or the config is invalid
 * (each problem is logged once), it returns a no-op processor and never throws.
 *
 * @example
 * ```ts
 * import { createMosaicSpanProcessor } from '@mosaicstack/telemetry-exporter';
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 *
 * // MOSAIC_TELEMETRY_ENABLED=true, MOSAIC_TELEMETRY_SERVER_URL, _API_KEY and _INSTANCE_ID in env
 * const provider = new BasicTracerProvider({ spanProcessors: [createMosaicSpanProcessor()] });
 * ```
 */
export function createMosaicSpanProcessor(config?: MosaicTelemetryConfig): SpanProcessorLike {
  try {
    const resolved = resolveConfig(config);
    if (!reportConfig(resolved)) return NOOP_SPAN_PROCESSOR;
    return createPipeline(resolved);
  } catch (error) {
    logger.error(`Mosaic telemetry runs disabled: ${asError(error).message}`);
    return NOOP_SPAN_PROCESSOR;
  }
}

/**
 * The processor of an enabled config resolved (and reported) already: `parts` (built from the
 * config unless given) behind a BatchSpanProcessor, or the immediate processor in
 * `exportMode: 'immediate'`, with the Mosaic processor in front.
 */
export function createPipeline(
  resolved: ResolvedMosaicConfig,
  parts: ExporterParts = createExporterParts(resolved),
): SpanProcessorLike {
  const { exporter, delivery } = parts;
  if (resolved.exportMode === 'immediate') {
    // Each task event leaves when its span ends; same exporter, no BSP (and no BSP timer).
    const immediate = new ImmediateSpanProcessor(exporter, {
      maxQueueSize: resolved.maxQueueSize,
      maxExportBatchSize: resolved.batchSize,
      maxConcurrentExports: IMMEDIATE_CONCURRENT_EXPORTS,
      onDropped: (count, why) => delivery.lost(count, why),
    });
    return brandProcessor(
      new MosaicSpanProcessor(immediate, parts, { autoTasks: resolved.autoTasks }),
    );
  }
  const batch = createBatchSpanProcessor(exporter, {
    maxQueueSize: resolved.maxQueueSize,
    // A batch of several requests lets the exporter send them concurrently.
    maxExportBatchSize: Math.min(resolved.maxQueueSize, resolved.batchSize * REQUESTS_PER_EXPORT),
    scheduledDelayMillis: resolved.submitIntervalMs,
    exportTimeoutMillis: exportTimeoutMs(resolved),
  });
  return brandProcessor(new MosaicSpanProcessor(batch, parts, { autoTasks: resolved.autoTasks }));
}

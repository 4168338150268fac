import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import {
  MosaicSpanExporter,
  type MosaicSpanExporterInternals,
} from '../exporter/mosaic-span-exporter.js';
import { createBatchSpanProcessor } from '../otel/create-batch-span-processor.js';
import { logger } from '../otel/diag-logger.js';
import type { SpanProcessorLike } from '../otel/otel-types.js';
import { retryBudgetMs } from '../transport/retry-budget.js';
import type { MosaicTelemetryConfig } from '../types.js';
import { MosaicSpanProcessor } from './mosaic-span-processor.js';
import { NOOP_SPAN_PROCESSOR } from './noop-span-processor.js';

/** How many requests of `batchSize` the batch processor hands the exporter at once. */
const REQUESTS_PER_EXPORT = 4;
/** Head room of the BSP's export timeout over the exporter's own retry budget. */
const EXPORT_TIMEOUT_SLACK_MS = 5000;

/**
 * The one-line integration: a span processor that reports finished task spans to a Mosaic
 * Telemetry server. Register it next to your other processors. When telemetry is off, or the
 * config is invalid (each problem is logged once), it returns a no-op processor and never throws.
 */
export function createMosaicSpanProcessor(
  config?: MosaicTelemetryConfig,
  internals: Pick<MosaicSpanExporterInternals, 'retryBaseDelayMs'> = {},
): SpanProcessorLike {
  try {
    const resolved = resolveConfig(config);
    if (!reportConfig(resolved)) return NOOP_SPAN_PROCESSOR;
    const exporter = new MosaicSpanExporter(undefined, { ...internals, resolved });
    // A BSP batch of several requests lets the exporter send them concurrently (DESIGN 8b).
    const maxExportBatchSize = Math.min(
      resolved.maxQueueSize,
      resolved.batchSize * REQUESTS_PER_EXPORT,
    );
    const rounds = Math.ceil(maxExportBatchSize / resolved.batchSize / 2);
    const batch = createBatchSpanProcessor(exporter, {
      maxQueueSize: resolved.maxQueueSize,
      maxExportBatchSize,
      scheduledDelayMillis: resolved.submitIntervalMs,
      exportTimeoutMillis: rounds * retryBudgetMs(resolved) + EXPORT_TIMEOUT_SLACK_MS,
    });
    return new MosaicSpanProcessor(batch, exporter, { autoTasks: resolved.autoTasks });
  } catch (error) {
    logger.error(`Mosaic telemetry runs disabled: ${String(error)}`);
    return NOOP_SPAN_PROCESSOR;
  }
}

import { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import type { Context } from '@opentelemetry/api';
import { logger } from './diag-logger.js';
import type { MosaicSpanExporter } from './mosaic-span-exporter.js';
import type { ReadableSpanLike, SpanProcessorLike } from './otel-types.js';

/**
 * Keeps task spans (those with `mosaic.task.type`) and hands them to the batch processor in front
 * of the Mosaic exporter; every other span costs one property check. Never throws into the host.
 */
export class MosaicSpanProcessor implements SpanProcessorLike {
  constructor(
    private readonly batch: SpanProcessorLike,
    private readonly exporter: MosaicSpanExporter,
  ) {}

  onStart(_span: ReadableSpanLike, _parentContext: Context): void {}

  onEnd(span: ReadableSpanLike): void {
    if (span.attributes[ATTR_MOSAIC_TASK_TYPE] === undefined) return;
    try {
      this.batch.onEnd(span);
    } catch (error) {
      logger.error(`could not queue a task span: ${String(error)}`);
    }
  }

  /** Exports every queued task span, then the exporter's carry-over (the BSP does not flush it). */
  async forceFlush(): Promise<void> {
    try {
      await this.batch.forceFlush();
      await this.exporter.forceFlush();
    } catch (error) {
      logger.error(`flush failed: ${String(error)}`);
    }
  }

  /** Flushes, then shuts down the batch processor and with it the exporter. */
  async shutdown(): Promise<void> {
    try {
      await this.batch.shutdown();
    } catch (error) {
      logger.error(`shutdown failed: ${String(error)}`);
    }
  }
}

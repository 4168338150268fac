import type { TaskUsageStore } from '../conversion/task-usage.js';
import { BatchEventDelivery } from '../exporter/event-delivery.js';
import { MosaicSpanExporter } from '../exporter/mosaic-span-exporter.js';
import type { ResolvedMosaicConfig } from '../types.js';
import { TaskUsageTracker } from '../usage/task-usage-tracker.js';

/** The parts of one pipeline, built together around one usage store. */
export interface ExporterParts {
  /** The exporter behind the batch processor: converts task spans, reads their folded usage. */
  readonly exporter: MosaicSpanExporter;
  /** The exporter's delivery: the processor flushes and shuts down through it. */
  readonly delivery: BatchEventDelivery;
  /** The task usage tracker the processor folds model-call usage with, into the exporter's store. */
  readonly usage: TaskUsageTracker;
}

/** How the parts are built beyond the config. */
export interface ExporterPartsOptions {
  /** First backoff ceiling of the retries in ms (tests shorten it). @default 1000 */
  readonly retryBaseDelayMs?: number;
}

/**
 * Builds the exporter, its delivery and the task usage tracker of a pipeline from a config that is
 * resolved (and reported) already.
 */
export function createExporterParts(
  resolved: ResolvedMosaicConfig,
  options: ExporterPartsOptions = {},
): ExporterParts {
  const usageStore: TaskUsageStore = new WeakMap();
  const delivery = new BatchEventDelivery(resolved, options);
  return {
    exporter: new MosaicSpanExporter(resolved, { delivery, usageStore }),
    delivery,
    usage: new TaskUsageTracker(usageStore, { autoTasks: resolved.autoTasks }),
  };
}

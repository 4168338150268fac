import type { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import type { Context } from '@opentelemetry/api';
import type { TaskUsageStore } from '../conversion/task-usage.js';
import type { BatchEventDelivery } from '../exporter/event-delivery.js';
import { MosaicSpanExporter } from '../exporter/mosaic-span-exporter.js';
import { logger } from '../otel/diag-logger.js';
import type { ReadableSpanLike, SpanProcessorLike } from '../otel/otel-types.js';
import { TaskUsageTracker } from '../usage/task-usage-tracker.js';
import { checkContextManager } from './context-manager-check.js';
import type { ExporterParts } from './exporter-parts.js';

/** Options of a {@link MosaicSpanProcessor}. */
export interface MosaicSpanProcessorOptions {
  /**
   * Treat an un-enclosed root agent span (`gen_ai.operation.name = invoke_agent`, or a top-level
   * AI SDK `ai.generateText`/`ai.streamText`/`ai.generateObject`/`ai.streamObject`) as a task of
   * type `unknown`.
   * @default false
   */
  readonly autoTasks?: boolean;
  /**
   * Most live spans tracked under tasks at once; beyond it new spans are not folded.
   * @default 10000
   */
  readonly maxTrackedSpans?: number;
  /**
   * Age in ms after which a tracked span that never ended is forgotten: no sooner, and in a busy
   * process by about twice this age (aging is by generations, without a clock read per span).
   * @default 3600000
   */
  readonly trackedSpanMaxAgeMs?: number;
}

/**
 * Keeps task spans (those with `mosaic.task.type`, plus root agent spans under `autoTasks`) and
 * hands them to the batch processor in front of the Mosaic exporter, folding the usage of the
 * model calls beneath each task into the shared usage store on the way. Any other span costs a
 * property check or two while no task is live. Never throws into the host, never writes to a span.
 */
export class MosaicSpanProcessor implements SpanProcessorLike {
  private readonly tracker: TaskUsageTracker;
  private readonly autoTasks: boolean;
  private unreadableSpans = 0;
  private readonly delivery: BatchEventDelivery;
  /** Where the tracker folds usage: read once per task span to tell a missing context manager. */
  private readonly usageStore: TaskUsageStore;

  /**
   * @param batch the BatchSpanProcessor in front of `exporter`.
   * @param exporter the exporter behind `batch`: folded usage goes to its usage store, where its
   * `export()` finds it per span, and flush and shutdown go through its delivery.
   */
  constructor(
    batch: SpanProcessorLike,
    exporter: MosaicSpanExporter,
    options?: MosaicSpanProcessorOptions,
  );
  /** The pipeline's processor: parts built together (`createExporterParts`), the tracker included. */
  constructor(batch: SpanProcessorLike, parts: ExporterParts, options: { autoTasks: boolean });
  constructor(
    private readonly batch: SpanProcessorLike,
    from: MosaicSpanExporter | ExporterParts,
    options: MosaicSpanProcessorOptions = {},
  ) {
    this.autoTasks = options.autoTasks ?? false;
    if (from instanceof MosaicSpanExporter) {
      this.delivery = from.delivery;
      this.usageStore = from.usageStore;
      this.tracker = new TaskUsageTracker(from.usageStore, {
        autoTasks: this.autoTasks,
        ...(options.maxTrackedSpans === undefined ? {} : { maxEntries: options.maxTrackedSpans }),
        ...(options.trackedSpanMaxAgeMs === undefined
          ? {}
          : { maxAgeMs: options.trackedSpanMaxAgeMs }),
      });
    } else {
      this.delivery = from.delivery;
      this.usageStore = from.exporter.usageStore;
      this.tracker = from.usage;
    }
  }

  /** Spans skipped because reading them threw (host code's throwing getters or Proxies). */
  get unreadableSpanCount(): number {
    return this.unreadableSpans;
  }

  /** Live spans tracked under tasks now; 0 once every task and its descendants have ended. */
  get trackedSpanCount(): number {
    return this.tracker.size;
  }

  /** Tasks that ended with model-call spans beneath them, none of which carried token counts. */
  get tasksWithoutUsage(): number {
    return this.tracker.tasksWithoutUsage;
  }

  onStart(span: ReadableSpanLike, parentContext: Context): void {
    // Host code can put throwing getters or a throwing Proxy on a span: nothing here may throw
    // into startSpan(), and the tracker reads everything before it changes anything.
    try {
      const tracker = this.tracker;
      // A literal key, not the imported constant: a key from a module binding is a keyed load that
      // TurboFan leaves to an IC call (-12 to -19 ns per ordinary span, bench (a), same-run).
      const isTask =
        span.attributes['mosaic.task.type' satisfies typeof ATTR_MOSAIC_TASK_TYPE] !== undefined;
      if (tracker.size === 0 && !isTask && !this.autoTasks) return;
      tracker.onStart(span, parentContext, isTask);
    } catch (error) {
      this.unreadable('track', error);
    }
  }

  onEnd(span: ReadableSpanLike): void {
    const tracker = this.tracker;
    let isTask: boolean | undefined;
    try {
      isTask =
        span.attributes['mosaic.task.type' satisfies typeof ATTR_MOSAIC_TASK_TYPE] !== undefined;
    } catch (error) {
      this.unreadable('read', error);
    }
    if (tracker.size !== 0) {
      try {
        // When the task type cannot be read the tracker still looks the span up, so a tracked
        // span is never left behind.
        tracker.onEnd(span, isTask ?? true);
      } catch (error) {
        this.unreadable('fold the usage of', error);
        try {
          tracker.onUnreadableEnd(span);
        } catch {
          // Its entry cannot be found either: aging forgets it.
        }
      }
    }
    if (isTask === undefined) return;
    try {
      // Asked whatever `isTask` says: an auto task is forgotten only when asked for.
      const isAutoTask = this.autoTasks && tracker.takeAutoTask(span);
      if (!isTask && !isAutoTask) return;
      this.batch.onEnd(span);
      if (isTask) checkContextManager(span, this.usageStore.get(span)?.calls ?? 0);
    } catch (error) {
      logger.error(`could not queue a task span: ${String(error)}`);
    }
  }

  /** Logs a span that threw on a read (once: such a span usually comes many times). */
  private unreadable(what: string, error: unknown): void {
    if (this.unreadableSpans++ !== 0) return;
    let message: string;
    try {
      message = String(error);
    } catch {
      message = 'an error that cannot be printed';
    }
    logger.error(`could not ${what} a span, skipped (its attributes threw on read): ${message}`);
  }

  /**
   * Exports every queued task span, then the exporter's carry-over (the BSP does not flush it),
   * all within `shutdownTimeoutMs`; never rejects.
   */
  async forceFlush(): Promise<void> {
    // Each step on its own: a failed or timed-out batch export must not keep the carry-over back.
    await this.delivery.withinDeadline(() => settle(() => this.batch.forceFlush(), 'flush'));
  }

  /**
   * Flushes, then shuts down the batch processor and the exporter. The exporter is shut down here
   * too (it is idempotent): the BSP skips it when its last export fails, which would leave the
   * carry-over undelivered and the connections open.
   */
  async shutdown(): Promise<void> {
    this.tracker.clear();
    await this.delivery.shutdownAfter(() => settle(() => this.batch.shutdown(), 'shutdown'));
  }
}

/** Runs one step of a flush or shutdown, logging instead of throwing. */
async function settle(step: () => Promise<void>, what: string): Promise<void> {
  try {
    await step();
  } catch (error) {
    logger.error(`${what} failed: ${String(error)}`);
  }
}

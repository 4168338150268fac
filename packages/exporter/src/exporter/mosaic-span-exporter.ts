// exporter/: task spans to events, then chunk, deliver, carry over, report and count them.
import {
  ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  type TaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { spanRecordOf } from '../conversion/span-record.js';
import { type ConversionContext, toTaskEvent } from '../conversion/span-to-event.js';
import type { TaskUsageStore, TrackedTaskUsage } from '../conversion/task-usage.js';
import { priceTaskRequests } from '../derive/price-task-requests.js';
import { logger } from '../otel/diag-logger.js';
import { createLogOnce } from '../otel/log-once.js';
import {
  ExportResultCode,
  type ExportResultLike,
  type ReadableSpanLike,
  type SpanExporterLike,
} from '../otel/otel-types.js';
import { asError, safeCall } from '../otel/safe-call.js';
import type { MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { BatchEventDelivery } from './event-delivery.js';
import type { SelfMetrics } from './self-metrics.js';

/** What the pipeline's exporter is built from besides its resolved config. */
export interface ExporterInputs {
  readonly delivery: BatchEventDelivery;
  readonly usageStore: TaskUsageStore;
}

/**
 * An OTel `SpanExporter` that turns task spans into schema-1.0 events and submits them to
 * `POST /v1/events/batch` in requests of at most `batchSize`, with retries, partial-success
 * handling and a bounded carry-over of events that could not be delivered yet. It never throws:
 * failures go to the result callback, `onError` and OTel `diag`. `export()` is re-entrant;
 * `forceFlush()` and `shutdown()` finish within `shutdownTimeoutMs` and never reject.
 *
 * @example
 * ```ts
 * import { MosaicSpanExporter, MosaicSpanProcessor } from '@mosaicstack/telemetry-exporter';
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 *
 * const exporter = new MosaicSpanExporter({ enabled: true });
 * const processor = new MosaicSpanProcessor(new BatchSpanProcessor(exporter), exporter);
 * ```
 */
export class MosaicSpanExporter implements SpanExporterLike {
  /** The delivery its events go through; a `MosaicSpanProcessor` in front flushes through it. */
  readonly delivery: BatchEventDelivery;
  /** Folded usage per task span: written by the processor in front, read here per span. */
  readonly usageStore: TaskUsageStore;
  private readonly metrics: SelfMetrics;
  private readonly logCorrectionOnce = createLogOnce();
  private readonly logUnpricedOnce = createLogOnce();
  private uncostedTasks = 0;
  private readonly config: ResolvedMosaicConfig;

  /**
   * @param config options; each also comes from env or a default (see `resolveConfig`). Its
   * problems and warnings are logged once.
   */
  constructor(config?: MosaicTelemetryConfig);
  /** A config resolved (and reported) already, with its delivery and usage store: the pipeline's. */
  constructor(config: ResolvedMosaicConfig, parts: ExporterInputs);
  constructor(config?: MosaicTelemetryConfig | ResolvedMosaicConfig, parts?: ExporterInputs) {
    if (parts === undefined) {
      const resolved = resolveConfig(config as MosaicTelemetryConfig | undefined);
      reportConfig(resolved);
      this.config = resolved;
      this.delivery = new BatchEventDelivery(resolved);
      this.usageStore = new WeakMap();
    } else {
      this.config = config as ResolvedMosaicConfig;
      this.delivery = parts.delivery;
      this.usageStore = parts.usageStore;
    }
    this.metrics = this.delivery.metrics;
  }

  /** Task events whose computed cost left out a model the price table has no price for. */
  get tasksUncosted(): number {
    return this.uncostedTasks;
  }

  /** Events waiting in the carry-over buffer for the next export. */
  get carryOverSize(): number {
    return this.delivery.carryOverSize;
  }

  export(spans: ReadableSpanLike[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.delivery.isShutDown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    if (!this.config.enabled) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    // Every event is delivered, kept in the carry-over, or reported (onError, diag, metrics) as
    // lost once the delivery settles, so the export itself succeeded. FAILED would be wrong and
    // harmful: the SDK's BatchSpanProcessor (2.x and 3.x) clears its export-in-flight flag after it
    // has already started the next export when one fails, so FAILED results during an outage pile
    // up concurrent exports and memory with them (see test/soak).
    void this.delivery
      .deliver(this.convert(spans))
      .then(() => safeCall(() => resultCallback({ code: ExportResultCode.SUCCESS })));
  }

  /**
   * Waits for exports in flight, then delivers the carry-over buffer; resolves within
   * `shutdownTimeoutMs` and never rejects.
   */
  forceFlush(): Promise<void> {
    return this.delivery.forceFlush();
  }

  /**
   * Flushes as `forceFlush` does, reports what is still undelivered then as dropped, and closes
   * the connections; later exports fail. Resolves within `shutdownTimeoutMs`, never rejects.
   */
  shutdown(): Promise<void> {
    return this.delivery.shutdown();
  }

  /** Converts spans to events: each span's record through the one converter, with its folded usage. */
  private convert(spans: readonly ReadableSpanLike[]): TaskCompletionEvent[] {
    const events: TaskCompletionEvent[] = [];
    let corrections = 0;
    const onCorrection = (key: string) => {
      corrections++;
      this.logCorrectionOnce(key, () =>
        logger.debug(`corrected a bad value of ${key} (logged once per key)`),
      );
    };
    // One context for the whole batch, only its usage changing per span.
    const ctx: { -readonly [K in keyof ConversionContext]: ConversionContext[K] } = {
      instanceId: this.config.instanceId,
      harness: this.config.harness,
      usage: undefined,
      onCorrection,
    };
    for (const span of spans) {
      const usage = this.usageStore.get(span);
      try {
        ctx.usage = this.costed(span, usage);
        events.push(toTaskEvent(spanRecordOf(span), ctx));
      } catch (error) {
        // A span whose very structure is broken (not its attribute values) cannot become an event.
        this.metrics.events('dropped', 1);
        logger.debug(`dropped a span that could not be read: ${asError(error).message}`);
      }
      usage?.release?.();
    }
    this.metrics.events('corrected', corrections);
    return events;
  }

  /**
   * `usage` with the cost of its requests when `computeCost` is on and the span carries no cost of
   * its own (the source's cost wins, and then the price table is not even loaded). The cost is
   * kept with the usage: its requests are released once the task is converted, so a span exported
   * again is priced as it was the first time.
   */
  private costed(
    span: ReadableSpanLike,
    usage: TrackedTaskUsage | undefined,
  ): TrackedTaskUsage | undefined {
    if (!this.config.computeCost || usage?.requests === undefined) return usage;
    if (span.attributes[ATTR_MOSAIC_COST_ACTUAL_USD_MICROS] !== undefined) return usage;
    if (usage.costMicros !== undefined) return usage;
    const price = priceTaskRequests(usage.requests(), usage.model, usage.provider);
    if (price.unpriced.length !== 0) {
      this.uncostedTasks++;
      this.metrics.events('uncosted', 1);
      for (const name of price.unpriced) {
        this.logUnpricedOnce(name, () =>
          logger.debug(
            `no price known for model ${name}: its requests count 0 in the task's computed cost (counted as uncosted)`,
          ),
        );
      }
    }
    usage.costMicros = price.costMicros;
    return usage;
  }
}

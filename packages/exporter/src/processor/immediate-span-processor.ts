import type { Context } from '@opentelemetry/api';
import { logger } from '../otel/diag-logger.js';
import type { ReadableSpanLike, SpanExporterLike, SpanProcessorLike } from '../otel/otel-types.js';
import { safeCall } from '../otel/safe-call.js';
import { withTracingSuppressed } from '../otel/suppress-tracing.js';

/** Limits of an {@link ImmediateSpanProcessor}. */
export interface ImmediateOptions {
  /** Most spans waiting while `maxConcurrentExports` exports are in flight; the oldest go first. */
  readonly maxQueueSize: number;
  /** Most spans in one export (one request of the exporter: its `batchSize`). */
  readonly maxExportBatchSize: number;
  /** Exports in flight at once. */
  readonly maxConcurrentExports: number;
  /**
   * Counts and reports spans dropped past `maxQueueSize` (the exporter's delivery does: the
   * `dropped` metric, `onError`, diag); called once per export that ends after drops.
   */
  readonly onDropped: (count: number, why: string) => void;
}

/**
 * `exportMode: 'immediate'`: hands each span to the exporter as soon as it ends, instead of holding
 * it for the batch processor's delay, so a process that is stopped, frozen or exits right after a
 * task has sent its event already. At most `maxConcurrentExports` exports run at once; spans ending
 * meanwhile wait and leave together in the next export (up to `maxExportBatchSize`), so a busy
 * process still sends few requests. The exporter is the same one the batch mode uses: retries,
 * carry-over, onError and self-metrics are unchanged. Never throws into the host.
 */
export class ImmediateSpanProcessor implements SpanProcessorLike {
  private readonly queue: ReadableSpanLike[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private isShutdown = false;
  /** Spans dropped past `maxQueueSize` and not reported yet. */
  private dropped = 0;

  constructor(
    private readonly exporter: SpanExporterLike,
    private readonly options: ImmediateOptions,
  ) {}

  /** Spans waiting for an export slot. */
  get queued(): number {
    return this.queue.length;
  }

  onStart(_span: ReadableSpanLike, _parentContext: Context): void {}

  onEnd(span: ReadableSpanLike): void {
    if (this.isShutdown) return;
    if (this.queue.length >= this.options.maxQueueSize) {
      // Full only while every export slot is busy, so an export ends soon and reports the drops.
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(span);
    this.pump();
  }

  /** Resolves once every span that ended so far has been exported. Never rejects. */
  forceFlush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Exports what is queued, then shuts the exporter down; later spans are ignored. */
  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await this.forceFlush();
    this.isShutdown = true;
    try {
      await this.exporter.shutdown();
    } catch (error) {
      logger.error(`shutdown failed: ${String(error)}`);
    }
  }

  private pump(): void {
    while (this.inFlight < this.options.maxConcurrentExports && this.queue.length > 0) {
      const spans = this.queue.splice(0, this.options.maxExportBatchSize);
      this.inFlight++;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.inFlight--;
        this.reportDropped();
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.wakeIdle();
      };
      try {
        // Like the SDK's processors: the exporter's own HTTP calls must not become spans.
        withTracingSuppressed(() => this.exporter.export(spans, finish));
      } catch (error) {
        logger.error(`export failed: ${String(error)}`);
        finish();
      }
    }
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    const count = this.dropped;
    this.dropped = 0;
    safeCall(() =>
      this.options.onDropped(
        count,
        `immediate export queue full (maxQueueSize ${this.options.maxQueueSize}): dropped the oldest task spans, the server is slower than tasks end`,
      ),
    );
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

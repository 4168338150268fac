import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { type ConversionContext, spanToEvent } from '../conversion/span-to-event.js';
import type { TaskUsageStore } from '../conversion/task-usage.js';
import { logger } from '../otel/diag-logger.js';
import {
  ExportResultCode,
  type ExportResultLike,
  type ReadableSpanLike,
  type SpanExporterLike,
} from '../otel/otel-types.js';
import { deliveryError } from '../transport/delivery-error.js';
import { createHttpTransport, type Transport } from '../transport/http-transport.js';
import { retryBudgetMs } from '../transport/retry-budget.js';
import { createRetryingTransport } from '../transport/retrying-transport.js';
import type { MosaicDeliveryError, MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { USER_AGENT } from '../version.js';
import { CarryOverBuffer } from './carry-over-buffer.js';
import { eventBatchJson } from './event-batch-json.js';
import { readBatchResponse } from './read-batch-response.js';
import { createSelfMetrics, type SelfMetrics } from './self-metrics.js';

const EVENTS_PATH = '/v1/events/batch';
/** Requests of one export sent at once: enough to hide loopback latency, small enough to be polite. */
const REQUEST_CONCURRENCY = 2;

/** Wiring the processor and tests hand the exporter; not part of the public options. */
export interface MosaicSpanExporterInternals {
  /** An already resolved (and reported) config, instead of resolving `config` again. */
  readonly resolved?: ResolvedMosaicConfig;
  /** First backoff ceiling of the retries, in ms. @default 1000 */
  readonly retryBaseDelayMs?: number;
}

/**
 * An OTel `SpanExporter` that turns task spans into schema-1.0 events and submits them to
 * `POST /v1/events/batch` in requests of at most `batchSize`, with retries, partial-success
 * handling and a bounded carry-over of events that could not be delivered yet. It never throws:
 * failures go to the result callback, `onError` and OTel `diag`. `export()` is re-entrant.
 */
export class MosaicSpanExporter implements SpanExporterLike {
  private readonly config: ResolvedMosaicConfig;
  /**
   * Usage folded into task spans by a `MosaicSpanProcessor` in front of this exporter, keyed by
   * span; the processor writes it, `export()` reads it. Not for other use.
   */
  readonly usage: TaskUsageStore = new WeakMap();
  private readonly transport: Transport | undefined;
  private readonly carryOver: CarryOverBuffer;
  private readonly metrics: SelfMetrics = createSelfMetrics();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly correctedKeys = new Set<string>();
  private isShutdown = false;

  constructor(config?: MosaicTelemetryConfig, internals: MosaicSpanExporterInternals = {}) {
    const resolved = internals.resolved ?? resolveConfig(config);
    if (internals.resolved === undefined) reportConfig(resolved);
    this.config = resolved;
    this.carryOver = new CarryOverBuffer(resolved.maxQueueSize);
    this.transport =
      resolved.enabled && !resolved.dryRun
        ? createRetryingTransport(
            createHttpTransport({
              serverUrl: resolved.serverUrl,
              apiKey: resolved.apiKey,
              userAgent: USER_AGENT,
            }),
            {
              maxRetries: resolved.maxRetries,
              ...(internals.retryBaseDelayMs === undefined
                ? {}
                : { baseDelayMs: internals.retryBaseDelayMs }),
            },
          )
        : undefined;
  }

  /** Events waiting in the carry-over buffer for the next export. */
  get carryOverSize(): number {
    return this.carryOver.size;
  }

  export(spans: ReadableSpanLike[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.isShutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    if (!this.config.enabled) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    this.track(
      this.deliver(this.convert(spans)).then(
        (result) => safeCall(() => resultCallback(result)),
        (error: unknown) =>
          safeCall(() => resultCallback({ code: ExportResultCode.FAILED, error: asError(error) })),
      ),
    );
  }

  /** Waits for exports in flight, then delivers the carry-over buffer. */
  async forceFlush(): Promise<void> {
    await this.settle();
    if (this.carryOver.size > 0 && this.config.enabled) await this.deliver([]);
  }

  /** Flushes as `forceFlush` does, then closes the connections; later exports fail. */
  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await this.forceFlush();
    this.isShutdown = true;
    this.transport?.close();
  }

  private convert(spans: readonly ReadableSpanLike[]): TaskCompletionEvent[] {
    const events: TaskCompletionEvent[] = [];
    let corrections = 0;
    const onCorrection = (key: string) => {
      corrections++;
      if (!this.correctedKeys.has(key)) {
        this.correctedKeys.add(key);
        logger.debug(`corrected a bad value of ${key} (logged once per key)`);
      }
    };
    // One context for the whole batch, only its usage changing per span.
    const ctx: { -readonly [K in keyof ConversionContext]: ConversionContext[K] } = {
      instanceId: this.config.instanceId,
      harness: this.config.harness,
      usage: undefined,
      onCorrection,
    };
    for (const span of spans) {
      try {
        ctx.usage = this.usage.get(span);
        events.push(spanToEvent(span, ctx));
      } catch (error) {
        // A span whose very structure is broken (not its attribute values) cannot become an event.
        this.metrics.events('dropped', 1);
        logger.debug(`dropped a span that could not be read: ${asError(error).message}`);
      }
    }
    this.metrics.events('corrected', corrections);
    return events;
  }

  private async deliver(fresh: TaskCompletionEvent[]): Promise<ExportResultLike> {
    const started = performance.now();
    const events = this.carryOver.size > 0 ? [...this.carryOver.drain(), ...fresh] : fresh;
    if (events.length === 0) return { code: ExportResultCode.SUCCESS };
    const { batchSize, requestTimeoutMs } = this.config;
    if (events.length <= batchSize) {
      // One request (the usual export of a BSP batch of batchSize): no workers to coordinate.
      await this.sendChunk(events, requestTimeoutMs);
    } else {
      const chunks: TaskCompletionEvent[][] = [];
      for (let i = 0; i < events.length; i += batchSize) {
        chunks.push(events.slice(i, i + batchSize));
      }
      let next = 0;
      const worker = async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++] as TaskCompletionEvent[];
          await this.sendChunk(chunk, requestTimeoutMs);
        }
      };
      const workers = Math.min(REQUEST_CONCURRENCY, chunks.length);
      await Promise.all(Array.from({ length: workers }, worker));
    }
    this.metrics.exportDuration((performance.now() - started) / 1000);

    // Every event is now delivered, kept in the carry-over, or reported (onError, diag, metrics)
    // as lost, so the export itself succeeded. FAILED would be wrong and harmful: the SDK's
    // BatchSpanProcessor (2.x and 3.x) clears its export-in-flight flag after it has already
    // started the next export when one fails, so FAILED results during an outage pile up
    // concurrent exports and memory with them (see test/soak).
    return { code: ExportResultCode.SUCCESS };
  }

  /** Sends one request's worth of events; afterwards each is delivered, carried over or reported. */
  private async sendChunk(chunk: TaskCompletionEvent[], timeoutMs: number): Promise<void> {
    const body = eventBatchJson(chunk);
    if (this.config.dryRun || this.transport === undefined) {
      logger.info(
        `dry run: POST ${this.config.serverUrl}${EVENTS_PATH} (Authorization: Bearer [REDACTED]) ${body}`,
      );
      return;
    }
    const deadline = Date.now() + retryBudgetMs(this.config);
    const result = await this.transport.send(EVENTS_PATH, body, timeoutMs, deadline);

    if (result.status === 'success') {
      const verdict = readBatchResponse(result.body, chunk.length);
      if (verdict === undefined) {
        // A 200 we cannot read: we do not know what was stored, so resend later (idempotent).
        this.carry(
          chunk,
          deliveryError(
            'retries-exhausted',
            'unreadable response to a batch',
            chunk.length,
            result.statusCode,
          ),
        );
        return;
      }
      this.metrics.events('accepted', verdict.accepted + verdict.duplicates);
      if (verdict.rejected.length > 0) {
        this.metrics.events('rejected', verdict.rejected.length);
        const first = verdict.rejected[0];
        this.report(
          deliveryError(
            'rejected',
            `server rejected ${verdict.rejected.length} of ${chunk.length} events (first: ${first?.error})`,
            verdict.rejected.length,
            result.statusCode,
          ),
        );
      }
      return;
    }
    if (result.status === 'retryable') {
      this.carry(
        chunk,
        deliveryError(
          'retries-exhausted',
          `delivery failed after retries: ${result.error.message}`,
          chunk.length,
          result.statusCode,
        ),
      );
      return;
    }
    // 400, 401, 403 and other client errors: resending the same request cannot succeed.
    this.metrics.events('rejected', chunk.length);
    const status = result.statusCode;
    this.report(
      deliveryError(
        status === 403 || status === 401 ? 'forbidden' : 'bad-request',
        status === 403 || status === 401
          ? `server refused the batch (${status}): check that apiKey and instanceId belong together; ${chunk.length} events not delivered`
          : `server rejected the batch: ${result.error.message}; ${chunk.length} events not delivered`,
        chunk.length,
        status,
      ),
    );
  }

  /** Keeps events for the next export (oldest dropped past the cap), reporting why. */
  private carry(chunk: TaskCompletionEvent[], error: MosaicDeliveryError): void {
    this.metrics.events('failed', chunk.length);
    this.report(error);
    const dropped = this.carryOver.add(chunk);
    if (dropped > 0) {
      this.metrics.events('dropped', dropped);
      this.report(
        deliveryError(
          'dropped',
          `carry-over buffer full: dropped the ${dropped} oldest events`,
          dropped,
        ),
      );
    }
  }

  private report(error: MosaicDeliveryError): void {
    logger.warn(error.message);
    const onError = this.config.onError;
    if (onError !== undefined) safeCall(() => onError(error));
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    logger.error(`a callback threw: ${asError(error).message}`);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

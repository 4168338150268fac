import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { reportConfig } from '../config/report-config.js';
import { logger } from '../otel/diag-logger.js';
import { deliveryError } from '../transport/delivery-error.js';
import { createHttpTransport, type Transport } from '../transport/http-transport.js';
import { retryBudgetMs } from '../transport/retry-budget.js';
import { createRetryingTransport } from '../transport/retrying-transport.js';
import type { MosaicDeliveryError, ResolvedMosaicConfig } from '../types.js';
import { USER_AGENT } from '../version.js';
import { CarryOverBuffer } from './carry-over-buffer.js';
import { eventBatchJson } from './event-batch-json.js';
import { readBatchResponse } from './read-batch-response.js';
import { createSelfMetrics, type SelfMetrics } from './self-metrics.js';

/**
 * Delivers already converted events to `POST /v1/events/batch`. Never rejects and never throws:
 * every event ends delivered, carried over to the next delivery, or reported as lost (`onError`,
 * OTel `diag`, self-metrics).
 */
export interface EventDelivery {
  /**
   * Sends the carry-over and `events` in requests of at most `batchSize`, with retries and
   * partial-success handling; what could not be delivered yet is carried over (bounded).
   */
  deliver(events: readonly TaskCompletionEvent[]): Promise<void>;
  /** Waits for deliveries in flight, then delivers the carry-over. */
  forceFlush(): Promise<void>;
  /** Flushes as `forceFlush` does, then closes the connections; later deliveries are dropped. */
  shutdown(): Promise<void>;
}

/** The in-process exporter's view of a delivery: the interface plus what its tests look at. */
export interface EventDeliveryInternals extends EventDelivery {
  /** Events waiting in the carry-over for the next delivery. */
  readonly carryOverSize: number;
}

/** Wiring for the in-process exporter and tests; not part of the public options. */
export interface EventDeliveryOptions {
  /** Self-metrics to record on, shared with the exporter's conversion. */
  readonly metrics?: SelfMetrics;
  /** First backoff ceiling of the retries, in ms. @default 1000 */
  readonly retryBaseDelayMs?: number;
}

const EVENTS_PATH = '/v1/events/batch';
/** Requests of one delivery sent at once: enough to hide loopback latency, small enough to be polite. */
const REQUEST_CONCURRENCY = 2;

/**
 * Creates the delivery of task events for a resolved config (see `resolveConfig`), logging the
 * config's warnings and problems once. With telemetry disabled it sends nothing; in dry-run mode it
 * logs each request body (key redacted) instead of sending it.
 */
export function createEventDelivery(config: ResolvedMosaicConfig): EventDelivery {
  reportConfig(config);
  return new BatchEventDelivery(config);
}

/** The delivery behind {@link createEventDelivery}, with the in-process exporter's wiring. */
export class BatchEventDelivery implements EventDeliveryInternals {
  private readonly transport: Transport | undefined;
  private readonly carryOver: CarryOverBuffer;
  private readonly metrics: SelfMetrics;
  private readonly pending = new Set<Promise<void>>();
  private isShutdown = false;

  constructor(
    private readonly config: ResolvedMosaicConfig,
    options: EventDeliveryOptions = {},
  ) {
    this.metrics = options.metrics ?? createSelfMetrics();
    this.carryOver = new CarryOverBuffer(config.maxQueueSize);
    this.transport =
      config.enabled && !config.dryRun
        ? createRetryingTransport(
            createHttpTransport({
              serverUrl: config.serverUrl,
              apiKey: config.apiKey,
              userAgent: USER_AGENT,
            }),
            {
              maxRetries: config.maxRetries,
              ...(options.retryBaseDelayMs === undefined
                ? {}
                : { baseDelayMs: options.retryBaseDelayMs }),
            },
          )
        : undefined;
  }

  get carryOverSize(): number {
    return this.carryOver.size;
  }

  deliver(events: readonly TaskCompletionEvent[]): Promise<void> {
    if (!this.config.enabled) return Promise.resolve();
    if (this.isShutdown) {
      if (events.length > 0) {
        this.metrics.events('dropped', events.length);
        this.report(
          deliveryError(
            'dropped',
            `delivery is shut down: ${events.length} events not delivered`,
            events.length,
          ),
        );
      }
      return Promise.resolve();
    }
    return this.track(this.run(events));
  }

  async forceFlush(): Promise<void> {
    await this.settle();
    if (this.carryOver.size > 0 && this.config.enabled) await this.track(this.run([]));
  }

  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await this.forceFlush();
    this.isShutdown = true;
    this.transport?.close();
  }

  private async run(fresh: readonly TaskCompletionEvent[]): Promise<void> {
    try {
      await this.send(fresh);
    } catch (error) {
      logger.error(`delivery failed unexpectedly: ${asError(error).message}`);
    }
  }

  private async send(fresh: readonly TaskCompletionEvent[]): Promise<void> {
    const started = performance.now();
    const events = this.carryOver.size > 0 ? [...this.carryOver.drain(), ...fresh] : fresh;
    if (events.length === 0) return;
    const { batchSize, requestTimeoutMs } = this.config;
    if (events.length <= batchSize) {
      // One request (the usual export of a BSP batch of batchSize): no workers to coordinate.
      await this.sendChunk(events, requestTimeoutMs);
    } else {
      const chunks: (readonly TaskCompletionEvent[])[] = [];
      for (let i = 0; i < events.length; i += batchSize) {
        chunks.push(events.slice(i, i + batchSize));
      }
      let next = 0;
      const worker = async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++] as readonly TaskCompletionEvent[];
          await this.sendChunk(chunk, requestTimeoutMs);
        }
      };
      const workers = Math.min(REQUEST_CONCURRENCY, chunks.length);
      await Promise.all(Array.from({ length: workers }, worker));
    }
    this.metrics.exportDuration((performance.now() - started) / 1000);
  }

  /** Sends one request's worth of events; afterwards each is delivered, carried over or reported. */
  private async sendChunk(chunk: readonly TaskCompletionEvent[], timeoutMs: number): Promise<void> {
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

  /** Keeps events for the next delivery (oldest dropped past the cap), reporting why. */
  private carry(chunk: readonly TaskCompletionEvent[], error: MosaicDeliveryError): void {
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

  private track(promise: Promise<void>): Promise<void> {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
    return promise;
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

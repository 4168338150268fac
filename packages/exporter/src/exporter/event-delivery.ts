import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { reportConfig } from '../config/report-config.js';
import { logger } from '../otel/diag-logger.js';
import { asError } from '../otel/safe-call.js';
import { createServerTransport } from '../transport/create-server-transport.js';
import { DeliveryError } from '../transport/delivery-error.js';
import type { Transport } from '../transport/http-transport.js';
import { logDryRun, refusalHint, reportDeliveryError } from '../transport/report-delivery-error.js';
import { sendConcurrently } from '../transport/request-pool.js';
import type { ResolvedMosaicConfig } from '../types.js';
import { CarryOverBuffer } from './carry-over-buffer.js';
import { chunkStartWindowMs } from './delivery-budget.js';
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
  /**
   * Waits for deliveries in flight, then delivers the carry-over; done within `shutdownTimeoutMs`
   * whatever the server does (what is still undelivered then stays carried over, reported).
   */
  forceFlush(): Promise<void>;
  /**
   * Flushes as `forceFlush` does within `shutdownTimeoutMs`, counts and reports every event still
   * undelivered as dropped, then closes the connections; later deliveries are dropped (reported).
   */
  shutdown(): Promise<void>;
  /** Events waiting in the carry-over for the next delivery (`deliver([])` sends just them). */
  readonly carryOverSize: number;
  /** Epoch ms before which the server asked (`Retry-After`) not to be sent to again; 0 if never. */
  readonly retryAfterUntil: number;
}

/** Parts for the in-process exporter and tests; not part of the public options. */
export interface EventDeliveryOptions {
  /** Self-metrics to record on, shared with the exporter's conversion. */
  readonly metrics?: SelfMetrics;
  /** First backoff ceiling of the retries, in ms. @default 1000 */
  readonly retryBaseDelayMs?: number;
  /**
   * Called with the events of each request whose fate is final (stored, duplicate, or refused as
   * invalid, so resending cannot change it); never for events carried over, dropped or refused
   * for the key (401/403), which a later resend may still deliver.
   */
  readonly onSettled?: (events: readonly TaskCompletionEvent[]) => void;
}

const EVENTS_PATH = '/v1/events/batch';
/** How long a flush still waits, past its deadline, for work that no longer waits on the network. */
const AFTER_DEADLINE_GRACE_MS = 250;

/**
 * Creates the delivery of task events for a resolved config (see `resolveConfig`), logging the
 * config's warnings and problems once. With telemetry disabled it sends nothing; in dry-run mode it
 * logs each request body (key redacted) instead of sending it.
 */
export function createEventDelivery(
  config: ResolvedMosaicConfig,
  options: EventDeliveryOptions = {},
): EventDelivery {
  reportConfig(config);
  return new BatchEventDelivery(config, options);
}

/** The delivery behind {@link createEventDelivery}, with the in-process exporter's wiring. */
export class BatchEventDelivery implements EventDelivery {
  private readonly transport: Transport | undefined;
  private readonly carryOver: CarryOverBuffer;
  /** Self-metrics of this delivery, shared with the exporter's conversion. */
  readonly metrics: SelfMetrics;
  private readonly startWindowMs: number;
  private readonly pending = new Set<Promise<void>>();
  /** Aborted when a flush or shutdown deadline passes: every request in flight is abandoned. */
  private deadline = new AbortController();
  private openWindows = 0;
  private windowEnd = Number.POSITIVE_INFINITY;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private isShutdown = false;
  private quietUntil = 0;
  private readonly onSettled: ((events: readonly TaskCompletionEvent[]) => void) | undefined;

  constructor(
    private readonly config: ResolvedMosaicConfig,
    options: EventDeliveryOptions = {},
  ) {
    this.metrics = options.metrics ?? createSelfMetrics();
    this.carryOver = new CarryOverBuffer(config.maxQueueSize);
    this.startWindowMs = chunkStartWindowMs(config);
    this.onSettled = options.onSettled;
    this.transport =
      config.enabled && !config.dryRun
        ? createServerTransport(config, options.retryBaseDelayMs)
        : undefined;
  }

  /** Events waiting in the carry-over for the next delivery. */
  get carryOverSize(): number {
    return this.carryOver.size;
  }

  get retryAfterUntil(): number {
    return this.quietUntil;
  }

  /** Whether the delivery has been shut down (later deliveries are dropped, reported). */
  get isShutDown(): boolean {
    return this.isShutdown;
  }

  deliver(events: readonly TaskCompletionEvent[]): Promise<void> {
    if (!this.config.enabled) return Promise.resolve();
    if (this.isShutdown) {
      this.lose(events.length, 'delivery is shut down');
      return Promise.resolve();
    }
    return this.track(this.run(events));
  }

  forceFlush(): Promise<void> {
    return this.withinDeadline(async () => {});
  }

  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await this.shutdownAfter(async () => {});
  }

  /**
   * Runs `step` (the BatchSpanProcessor's flush of the spans it still holds), then delivers the
   * carry-over, all within one `shutdownTimeoutMs` deadline from now: at the deadline every request
   * still running is abandoned and its events carried over. Never rejects.
   */
  async withinDeadline(step: () => Promise<void>): Promise<void> {
    if (!this.config.enabled) {
      await settleStep(step);
      return;
    }
    this.openWindow();
    try {
      const work = (async () => {
        await settleStep(step);
        await this.settle();
        if (this.carryOver.size > 0 && !this.deadline.signal.aborted) {
          await this.track(this.run([]));
        }
      })();
      await raceDeadline(work, this.deadline.signal);
      if (this.deadline.signal.aborted) {
        // Past the deadline every wait is abandoned at once, so the rest of the step (the BSP
        // handing over what it still holds) takes moments: give it those, then stop waiting.
        await raceDeadline(work, AbortSignal.timeout(AFTER_DEADLINE_GRACE_MS));
      }
      await this.settle();
    } catch (error) {
      logger.error(`flush failed unexpectedly: ${asError(error).message}`);
    } finally {
      this.closeWindow();
    }
  }

  /**
   * Flushes as {@link withinDeadline} does, then counts and reports what is still undelivered as
   * dropped, and closes the connections.
   */
  async shutdownAfter(step: () => Promise<void>): Promise<void> {
    if (this.isShutdown) {
      await settleStep(step);
      return;
    }
    await this.withinDeadline(step);
    this.isShutdown = true;
    this.lose(this.carryOver.drain().length, 'shutdown deadline passed before delivery');
    this.transport?.close();
  }

  private openWindow(): void {
    const end = Date.now() + this.config.shutdownTimeoutMs;
    this.openWindows++;
    if (end >= this.windowEnd) return;
    this.windowEnd = end;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    const deadline = this.deadline;
    this.deadlineTimer = setTimeout(() => deadline.abort(), end - Date.now());
    this.deadlineTimer.unref?.();
  }

  private closeWindow(): void {
    if (--this.openWindows > 0) return;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.windowEnd = Number.POSITIVE_INFINITY;
    if (this.deadline.signal.aborted) this.deadline = new AbortController();
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
    // Requests start only within the start window (each then ends within its retry budget, so
    // the delivery within its budget), and none once a flush deadline has passed.
    const deadline = this.deadline.signal;
    const lastStart = Date.now() + this.startWindowMs;
    const abandoned: TaskCompletionEvent[] = [];
    const sendChunk = async (chunk: readonly TaskCompletionEvent[]) => {
      if (deadline.aborted || Date.now() > lastStart) abandoned.push(...chunk);
      else await this.sendChunk(chunk, deadline);
    };
    const { batchSize } = this.config;
    if (events.length <= batchSize) {
      // One request (the usual export of a BSP batch of batchSize): no workers to coordinate.
      await sendChunk(events);
    } else {
      const chunks: (readonly TaskCompletionEvent[])[] = [];
      for (let i = 0; i < events.length; i += batchSize) {
        chunks.push(events.slice(i, i + batchSize));
      }
      await sendConcurrently(chunks, sendChunk);
    }
    if (abandoned.length > 0) {
      this.carry(
        abandoned,
        new DeliveryError(
          'retries-exhausted',
          `delivery deadline passed before ${abandoned.length} events were sent`,
          abandoned.length,
        ),
      );
    }
    this.metrics.exportDuration((performance.now() - started) / 1000);
  }

  /** Sends one request's worth of events; afterwards each is delivered, carried over or reported. */
  private async sendChunk(
    chunk: readonly TaskCompletionEvent[],
    deadline: AbortSignal,
  ): Promise<void> {
    const body = eventBatchJson(chunk);
    if (this.transport === undefined) {
      logDryRun(this.config.serverUrl, EVENTS_PATH, body);
      this.settled(chunk);
      return;
    }
    const result = await this.transport.send(EVENTS_PATH, body, deadline);
    const status = result.statusCode;

    if (result.status === 'success') {
      const verdict = readBatchResponse(result.body, chunk);
      if (verdict === undefined) {
        // A 200 we cannot read: we do not know what was stored, so resend later (idempotent).
        this.carry(
          chunk,
          new DeliveryError(
            'retries-exhausted',
            'unreadable response to a batch',
            chunk.length,
            status,
          ),
        );
        return;
      }
      this.settled(chunk);
      this.metrics.events('accepted', verdict.accepted + verdict.duplicates);
      if (verdict.rejected.length > 0) {
        this.metrics.events('rejected', verdict.rejected.length);
        const first = verdict.rejected[0];
        this.report(
          new DeliveryError(
            'rejected',
            `server rejected ${verdict.rejected.length} of ${chunk.length} events (first: ${first?.error})`,
            verdict.rejected.length,
            status,
          ),
        );
      }
      return;
    }
    if (result.status === 'retryable' && result.retryAfterMs !== undefined) {
      this.quietUntil = Math.max(this.quietUntil, Date.now() + result.retryAfterMs);
    }
    if (result.status === 'retryable' || (status !== undefined && status >= 200 && status < 300)) {
      // Retries used up, abandoned at a deadline, or a 2xx whose answer could not be read (too
      // large): the events may go through later (ids make a resend idempotent).
      const how =
        result.status === 'retryable'
          ? 'delivery failed after retries'
          : 'unreadable response to a batch';
      this.carry(
        chunk,
        new DeliveryError(
          'retries-exhausted',
          `${how}: ${result.error.message}`,
          chunk.length,
          status,
        ),
      );
      return;
    }
    // 400, 401, 403 and other client errors: resending the same request cannot succeed.
    this.metrics.events('rejected', chunk.length);
    const refused = status === 403 || status === 401;
    if (!refused) this.settled(chunk);
    this.report(
      new DeliveryError(
        refused ? 'forbidden' : 'bad-request',
        refused
          ? `server refused the batch (${status})${refusalHint(status)}; ${chunk.length} events not delivered`
          : `server rejected the batch: ${result.error.message}; ${chunk.length} events not delivered`,
        chunk.length,
        status,
      ),
    );
  }

  /** Tells `onSettled` of events whose fate is final; its errors are logged, never thrown. */
  private settled(chunk: readonly TaskCompletionEvent[]): void {
    if (this.onSettled === undefined) return;
    try {
      this.onSettled(chunk);
    } catch (error) {
      logger.error(`onSettled failed: ${asError(error).message}`);
    }
  }

  /** Keeps events for the next delivery (oldest dropped past the cap), reporting why. */
  private carry(chunk: readonly TaskCompletionEvent[], error: DeliveryError): void {
    if (this.isShutdown) {
      // No next delivery: a request that ended after shutdown loses its events, counted.
      this.lose(chunk.length, 'delivery is shut down');
      return;
    }
    this.metrics.events('failed', chunk.length);
    this.report(error);
    const dropped = this.carryOver.add(chunk);
    if (dropped > 0) {
      this.metrics.events('dropped', dropped);
      this.report(
        new DeliveryError(
          'dropped',
          `carry-over buffer full: dropped the ${dropped} oldest events`,
          dropped,
        ),
      );
    }
  }

  /** Counts and reports `count` events a processor in front dropped before they reached it. */
  lost(count: number, why: string): void {
    this.lose(count, why);
  }

  /** Counts and reports `count` events that will never be delivered. */
  private lose(count: number, why: string): void {
    if (count === 0) return;
    this.metrics.events('dropped', count);
    this.report(new DeliveryError('dropped', `${why}: ${count} events not delivered`, count));
  }

  private report(error: DeliveryError): void {
    reportDeliveryError(error, this.config.onError);
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

/** Runs a flush step of host code (the BSP's), logging instead of rejecting. */
async function settleStep(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    logger.error(`flush failed: ${asError(error).message}`);
  }
}

/** Waits for `work`, or until `deadline` is aborted, whichever comes first. */
function raceDeadline(work: Promise<void>, deadline: AbortSignal): Promise<void> {
  if (deadline.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      deadline.removeEventListener('abort', done);
      resolve();
    };
    deadline.addEventListener('abort', done, { once: true });
    void work.then(done, done);
  });
}

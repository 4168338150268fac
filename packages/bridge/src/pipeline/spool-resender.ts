import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { logger, type TaskDelivery } from '../model/exporter-core.js';
import type { TaskSpool } from '../spool/task-spool.js';

/** A round that delivers nothing doubles the wait before the next, up to this many intervals. */
const MAX_BACKOFF_INTERVALS = 16;

/** What a {@link SpoolResender} works with: the pipeline's spool, delivery and backlog. */
export interface SpoolResenderOptions {
  readonly spool: TaskSpool;
  readonly delivery: TaskDelivery;
  /** Hands events to delivery as the pipeline does (counted in its backlog); settles when done. */
  readonly send: (events: readonly TaskCompletionEvent[]) => Promise<void>;
  /** Whether the pipeline has a delivery in flight. */
  readonly busy: () => boolean;
  /** Events delivery may take now within `maxDeliveryBacklog`. */
  readonly room: () => number;
  /** Called with the number of events each round sends again. */
  readonly resent: (count: number) => void;
  /** Time between looks, in ms (`spoolResendMs`). */
  readonly intervalMs: number;
  /** Events one round sends at most (`spoolResendBatch`). */
  readonly batchSize: number;
  /** Wall clock in ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * Sends again, while the bridge runs, what the spool holds undelivered: on a timer, once delivery
 * is idle (nothing in flight, so no event the spool holds is being sent), first the delivery's
 * carry-over, then the oldest spooled events in bounded rounds; a round that delivers nothing
 * backs off, and none starts before the server's `Retry-After` has passed.
 */
export class SpoolResender {
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private waitMs: number;
  private notBefore = 0;
  private running = false;
  private stopped = false;

  constructor(private readonly options: SpoolResenderOptions) {
    this.now = options.now ?? Date.now;
    this.waitMs = options.intervalMs;
    this.timer = setInterval(() => void this.tick(), options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; a round in flight ends as any delivery does, and starts no other. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Runs rounds while they deliver something and delivery stays idle; never rejects. */
  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      while (this.due()) {
        const delivered = await this.round();
        if (delivered === undefined) return;
        if (!delivered) {
          this.waitMs = Math.min(this.waitMs * 2, this.options.intervalMs * MAX_BACKOFF_INTERVALS);
          this.notBefore = this.now() + this.waitMs;
          return;
        }
        this.waitMs = this.options.intervalMs;
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : 'error';
      logger.error(`resending spooled events failed: ${why}`);
    } finally {
      this.running = false;
    }
  }

  private due(): boolean {
    const now = this.now();
    return (
      !this.stopped &&
      !this.options.busy() &&
      now >= this.notBefore &&
      now >= this.options.delivery.retryAfterUntil
    );
  }

  /** One round: whether it delivered any of what it sent, or undefined when there was nothing. */
  private async round(): Promise<boolean | undefined> {
    const { delivery, spool } = this.options;
    // The carry-over goes first: its events are spooled too, and must not go out twice at once.
    const carried = delivery.carryOverSize;
    if (carried > 0) {
      this.options.resent(carried);
      await delivery.deliverCarryOver();
      return delivery.carryOverSize < carried;
    }
    const events = spool.undelivered(Math.min(this.options.batchSize, this.options.room()));
    if (events.length === 0) return undefined;
    this.options.resent(events.length);
    await this.options.send(events);
    return events.some((event) => !spool.holdsEvent(event.event_id));
  }
}

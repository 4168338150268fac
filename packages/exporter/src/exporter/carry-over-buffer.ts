import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';

/**
 * Events whose delivery failed after retries, kept for the next export. Bounded: adding past the
 * cap drops the oldest, and `add` returns how many were dropped.
 */
export class CarryOverBuffer {
  private events: TaskCompletionEvent[] = [];

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.events.length;
  }

  /** Adds events (in order); returns how many of the oldest were dropped to stay under the cap. */
  add(events: readonly TaskCompletionEvent[]): number {
    if (events.length === 0) return 0;
    for (const event of events) this.events.push(event);
    const over = this.events.length - this.cap;
    if (over <= 0) return 0;
    this.events.splice(0, over);
    return over;
  }

  /** Takes every event out, oldest first. */
  drain(): TaskCompletionEvent[] {
    const all = this.events;
    this.events = [];
    return all;
  }
}

// faults/: misbehaviour a test queues for the next v1 POSTs (status, delay, reset, bad body).
import type { DevServerFaults, FailNextOptions } from '../types.js';

/** One misbehaviour applied to one POST request. */
export type Fault =
  | { kind: 'fail'; status: number; retryAfter?: string; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'malformed' };

interface PendingFault {
  fault: Fault;
  remaining: number;
}

const checkCount = (count: number): void => {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count: must be an integer >= 0, got ${count}`);
  }
};

/** A FIFO of pending faults; each POST request takes the head one. */
export class FaultInjector implements DevServerFaults {
  readonly #queue: PendingFault[] = [];

  failNext(count: number, status: number, options: FailNextOptions = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`status: must be an HTTP status from 100 to 599, got ${status}`);
    }
    this.#push(count, { kind: 'fail', status, ...options });
  }

  delayNext(count: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms: must be >= 0, got ${ms}`);
    this.#push(count, { kind: 'delay', ms });
  }

  resetNext(count: number): void {
    this.#push(count, { kind: 'reset' });
  }

  malformedNext(count: number): void {
    this.#push(count, { kind: 'malformed' });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** Removes and returns the fault for the current request, if any is pending. */
  take(): Fault | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.#queue.shift();
    return head.fault;
  }

  #push(count: number, fault: Fault): void {
    checkCount(count);
    if (count > 0) this.#queue.push({ fault, remaining: count });
  }
}

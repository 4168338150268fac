import type { EventStore } from './event-store.js';

/** How long ingest must pause before folding starts, and rows per slice of folding. */
const IDLE_MS = 300;
const SLICE_ROWS = 2_000;

/**
 * Folds new events into the aggregates while the server is idle, a slice at a time, so the
 * request path only inserts (readers fold what is left before answering, so they stay exact).
 */
export class IdleFolder {
  readonly #store: EventStore;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: EventStore) {
    this.#store = store;
  }

  /** Called after events were stored: (re)starts the idle countdown. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#slice(), IDLE_MS).unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #slice(): void {
    this.#timer = undefined;
    const folded = this.#store.fold(SLICE_ROWS);
    if (folded === SLICE_ROWS) this.#timer = setTimeout(() => this.#slice(), 0).unref();
  }
}

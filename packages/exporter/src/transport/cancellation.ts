/**
 * A one-shot cancellation of requests and retry waits: what an `AbortSignal` does, without its
 * EventTarget, whose listener bookkeeping per request shows in bench (b) "CPU per exported task
 * span".
 */
export class Cancellation {
  private callbacks: Set<() => void> | undefined;
  private done = false;

  /** Whether `cancel()` was called. */
  get cancelled(): boolean {
    return this.done;
  }

  /**
   * Calls `callback` once when cancelled (at once if already cancelled); returns a function that
   * unregisters it.
   */
  onCancel(callback: () => void): () => void {
    if (this.done) {
      callback();
      return noop;
    }
    this.callbacks ??= new Set();
    this.callbacks.add(callback);
    return () => this.callbacks?.delete(callback);
  }

  /** Cancels: every registered callback runs once. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    if (callbacks !== undefined) for (const callback of callbacks) callback();
  }
}

const noop = () => {};

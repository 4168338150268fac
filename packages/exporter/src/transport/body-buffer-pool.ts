/**
 * Reusable buffers for request bodies: a fresh `Buffer.from` per request means new memory to
 * fault in and external memory that makes the GC run more often. Kept for bench (b) "CPU per
 * exported task span", where a fresh buffer per request shows.
 */
export class BodyBufferPool {
  private readonly free: Buffer[] = [];

  /**
   * @param maxFree buffers kept for reuse; more released at once are left to the GC.
   * @param minBytes size of a new buffer unless a body needs more.
   */
  constructor(
    private readonly maxFree: number,
    private readonly minBytes: number,
  ) {}

  /**
   * A buffer holding `body` as UTF-8 from offset 0, and the body's length in bytes. The caller
   * owns the buffer until it hands it back with `release` (only once nothing reads it any more).
   */
  encode(body: string): { buffer: Buffer; length: number } {
    const kept = this.free.pop();
    if (kept !== undefined && kept.length >= body.length) {
      const length = kept.write(body, 0, 'utf8');
      // A write stops early only when the next character (at most 4 bytes) does not fit.
      if (length <= kept.length - 4) return { buffer: kept, length };
    }
    // Room to spare, so that a body of the same size fits the next time.
    const needed = Buffer.byteLength(body, 'utf8');
    const buffer = Buffer.allocUnsafe(Math.max(needed + (needed >> 3) + 4, this.minBytes));
    return { buffer, length: buffer.write(body, 0, 'utf8') };
  }

  /** Takes a buffer back for reuse. */
  release(buffer: Buffer): void {
    if (this.free.length < this.maxFree) this.free.push(buffer);
  }

  /** Drops every kept buffer. */
  clear(): void {
    this.free.length = 0;
  }
}

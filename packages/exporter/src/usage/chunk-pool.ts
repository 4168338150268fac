/** Numbers kept per call (see `task-calls.ts` for their order). */
export const CALL_NUMBERS = 7;
/** Calls per chunk, as a shift: 32. */
export const CHUNK_BITS = 5;
/** Index of a call within its chunk: `i & CHUNK_MASK`. */
export const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Doubles per chunk: the numbers of 32 calls (1,792 bytes). */
export const CHUNK_LENGTH = (CHUNK_MASK + 1) * CALL_NUMBERS;
/** Bytes per chunk. */
const CHUNK_BYTES = CHUNK_LENGTH * Float64Array.BYTES_PER_ELEMENT;
/** Chunks allocated together, in one buffer, when none is free. */
const SLAB = 16;
/** Free chunks kept for reuse (about 460 KB); chunks given back beyond it are let go. */
const MAX_FREE = 256;

/**
 * Fixed-size `Float64Array` chunks that tasks borrow for their calls' numbers and give back once
 * the task is converted to its event (or forgotten by aging). A chunk of a task that is never
 * converted (a span the batch processor dropped) is simply collected with it.
 *
 * Hand-written for a measured need on the hot path (every model call inside a task): a JS array
 * per task, grown by copying and copied again by every young-generation collection until its
 * task was exported, was the largest part of what a model call inside a task cost once
 * collections are timed (-105 to -150 ns per call without it, 16 tasks of 1,000 calls per
 * sample). A growable `Float64Array` per task cost more than it saved (+382 ns per chat span in
 * bench (a): a fresh buffer allocated and zeroed as each task's column doubled), and so did
 * copying a task's chunks into one array of its own as it ended (+26 to +47 ns per call, a 56 KB
 * buffer per task of 1,000 calls). Pooled chunks are neither allocated per task nor copied by the
 * collector: -35 to -134 ns per model call inside a task with collections timed, and the same as
 * the JS array (-20 to +25) with a collection before each sample as bench (a) does. Bounded:
 * {@link MAX_FREE} free chunks at most, plus those borrowed (the tracker's bound on live spans and
 * a task's on calls kept bound them).
 *
 * When none is free, {@link SLAB} chunks are made at once, views of one buffer: each buffer costs
 * about 3.5-6 us to allocate whatever its size (malloc, zeroing, and collections that the engine's
 * count of outside memory brings on), and the pool runs dry whenever more tasks wait for export
 * than it keeps free (a batch processor's export gives back hundreds of chunks at once, beyond
 * {@link MAX_FREE}: with a buffer per chunk, 7,584 of bench (a)'s 20,512 takes found it empty).
 * Tasks of 1,000 model calls, hundreds waiting for export (`bench/lib/compare-long-tasks.mjs`,
 * against a buffer per chunk): -83 to -229 ns per model-call span. A buffer lives while any of its
 * chunks is borrowed or free, so a chunk let go beyond {@link MAX_FREE} frees its bytes only with
 * its last sibling: what the pool holds stays bounded, by {@link SLAB} times the chunks borrowed
 * and free at most.
 */
export class ChunkPool {
  private readonly free: Float64Array[] = [];
  private lent = 0;

  /** Free chunks held for reuse. */
  get freeChunks(): number {
    return this.free.length;
  }

  /**
   * Chunks lent and not given back (a task the batch processor dropped never gives its chunks
   * back: they are collected with it, and stay counted here).
   */
  get lentChunks(): number {
    return this.lent;
  }

  /** A chunk lent to the caller (its numbers are stale) until it gives it back. */
  take(): Float64Array {
    this.lent++;
    const free = this.free.pop();
    if (free !== undefined) return free;
    const slab = new ArrayBuffer(SLAB * CHUNK_BYTES);
    for (let i = SLAB - 1; i > 0; i--) {
      this.free.push(new Float64Array(slab, i * CHUNK_BYTES, CHUNK_LENGTH));
    }
    return new Float64Array(slab, 0, CHUNK_LENGTH);
  }

  /** Takes back a chunk from {@link take}; the caller reads and writes it no more. */
  give(chunk: Float64Array): void {
    this.lent--;
    if (this.free.length < MAX_FREE) this.free.push(chunk);
  }
}

/** Numbers kept per call (see `task-calls.ts` for their order). */
export const CALL_NUMBERS = 7;
/** Calls per chunk, as a shift: 32. */
export const CHUNK_BITS = 5;
/** Index of a call within its chunk: `i & CHUNK_MASK`. */
export const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Doubles per chunk: the numbers of 32 calls (1,792 bytes). */
export const CHUNK_LENGTH = (CHUNK_MASK + 1) * CALL_NUMBERS;
/** Free chunks kept whatever the load (about 460 KB). */
const MIN_FREE = 256;
/** Most free chunks kept, whatever the load was (about 29 MB). */
const MAX_FREE = 16_384;

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
 * the JS array (-20 to +25) with a collection before each sample as bench (a) does.
 *
 * How many free chunks it keeps follows the load, in cycles: tasks borrow chunks while they wait
 * for export, and a batch processor's export gives most of them back at once (a cycle ends when
 * fewer than half of its peak are lent). It keeps as many as the busiest of the last two cycles
 * and the one under way lent at its peak, at least {@link MIN_FREE} and at most
 * {@link MAX_FREE}, and lets go of the rest as quieter cycles end. Two, not one: exports come in
 * full batches and in smaller ones (a timer, a flush), and a pool that kept what the last small
 * one needed would make the rest again for the next full one. With a fixed 256 kept, a busy
 * service made again, each cycle, what its last export had just given back: outside memory that
 * brought on a full collection every cycle (20 in 8 s of continuous tasks of 1,000 calls, against
 * 4 now). `bench/lib/compare-long-tasks.mjs`, same process, against that build: -295 and -304 ns
 * per model-call span.
 *
 * A chunk is a buffer of its own, so what the pool keeps is its free chunks' bytes, no more. While
 * it kept 256, sixteen chunks were made in one buffer when none was free (a buffer costs about
 * 3.5-6 us to allocate whatever its size; -83 to -229 ns per model-call span then, same aid). Since
 * the pool keeps what a cycle needs it gains nothing (-112 to +333 ns, median +11, five runs), and
 * a few free chunks could keep a whole shared buffer alive.
 */
export class ChunkPool {
  private readonly free: Float64Array[] = [];
  private lent = 0;
  /** Most chunks lent at once in the cycle under way (0 until it lends more than it gave back). */
  private peak = 0;
  /** The peaks of the two cycles before. */
  private lastPeak = 0;
  private peakBefore = 0;

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
    if (++this.lent > this.peak) this.peak = this.lent;
    return this.free.pop() ?? new Float64Array(CHUNK_LENGTH);
  }

  /** Takes back a chunk from {@link take}; the caller reads and writes it no more. */
  give(chunk: Float64Array): void {
    this.lent--;
    if (this.lent * 2 < this.peak) {
      // The cycle's export: what its peak needed is kept for the next one.
      this.peakBefore = this.lastPeak;
      this.lastPeak = this.peak;
      this.peak = 0;
      const kept = this.kept();
      if (this.free.length > kept) this.free.length = kept;
    }
    if (this.free.length < this.kept()) this.free.push(chunk);
  }

  /** Free chunks kept now: what the busiest of the last cycles lent, less what is lent. */
  private kept(): number {
    const want = Math.min(MAX_FREE, Math.max(this.peak, this.lastPeak, this.peakBefore));
    return Math.max(MIN_FREE, want - this.lent);
  }
}

import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH, ChunkPool } from '../../src/usage/chunk-pool.js';

/** One export cycle: `n` chunks lent at once, then all given back; returns the chunks lent. */
function cycle(pool: ChunkPool, n: number): Float64Array[] {
  const chunks = Array.from({ length: n }, () => pool.take());
  for (const chunk of chunks) pool.give(chunk);
  return chunks;
}

describe('ChunkPool', () => {
  it('makes a chunk of its own buffer when none is free', () => {
    const pool = new ChunkPool();
    const chunks = [pool.take(), pool.take()];
    expect(pool.freeChunks).toBe(0);
    expect(pool.lentChunks).toBe(2);
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk).toBeInstanceOf(Float64Array);
      expect(chunk).toHaveLength(CHUNK_LENGTH);
      // Nothing but the chunk in its buffer: the pool keeps its chunks' bytes, no more.
      expect(chunk.buffer.byteLength).toBe(CHUNK_LENGTH * Float64Array.BYTES_PER_ELEMENT);
      chunk.fill(i);
    }
    expect(chunks[0]?.buffer).not.toBe(chunks[1]?.buffer);
    for (const [i, chunk] of chunks.entries()) expect(new Set(chunk)).toEqual(new Set([i]));
  });

  it('lends a chunk given back before making more', () => {
    const pool = new ChunkPool();
    const chunk = pool.take();
    expect(pool.take()).not.toBe(chunk);
    pool.give(chunk);
    expect(pool.freeChunks).toBe(1);
    expect(pool.lentChunks).toBe(1);
    expect(pool.take()).toBe(chunk);
    expect(pool.freeChunks).toBe(0);
    expect(pool.lentChunks).toBe(2);
  });

  it('keeps at least 256 free chunks, whatever the load', () => {
    const pool = new ChunkPool();
    cycle(pool, 300);
    expect(pool.freeChunks).toBe(300);
    for (let i = 0; i < 4; i++) cycle(pool, 10);
    expect(pool.freeChunks).toBe(256);
    expect(pool.lentChunks).toBe(0);
  });

  it('keeps what a busy cycle lent at its peak, for the next one', () => {
    const pool = new ChunkPool();
    const made = new Set(cycle(pool, 3000));
    expect(pool.freeChunks).toBe(3000);
    // The next cycle takes them all back without making one.
    const again = cycle(pool, 3000);
    expect(again.every((chunk) => made.has(chunk))).toBe(true);
    expect(pool.freeChunks).toBe(3000);
  });

  it('lets go of what quieter cycles no longer need', () => {
    const pool = new ChunkPool();
    cycle(pool, 3000);
    expect(pool.freeChunks).toBe(3000);
    cycle(pool, 1000);
    // The busiest of the last two cycles still counts as the first quieter one ends.
    expect(pool.freeChunks).toBe(3000);
    cycle(pool, 1000);
    expect(pool.freeChunks).toBe(1000);
    cycle(pool, 1000);
    expect(pool.freeChunks).toBe(1000);
    expect(pool.lentChunks).toBe(0);
  });

  it('keeps at most 16,384 free chunks whatever was lent', () => {
    const pool = new ChunkPool();
    cycle(pool, 20_000);
    expect(pool.freeChunks).toBe(16_384);
  });
});

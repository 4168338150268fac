import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH, ChunkPool } from '../../src/usage/chunk-pool.js';

describe('ChunkPool', () => {
  it('lends a new chunk when none is free, and the same one again once given back', () => {
    const pool = new ChunkPool();
    const chunk = pool.take();
    expect(chunk).toBeInstanceOf(Float64Array);
    expect(chunk).toHaveLength(CHUNK_LENGTH);
    expect(pool.take()).not.toBe(chunk);
    pool.give(chunk);
    expect(pool.freeChunks).toBe(1);
    expect(pool.take()).toBe(chunk);
    expect(pool.freeChunks).toBe(0);
  });

  it('keeps at most 256 free chunks, letting go of those given back beyond it', () => {
    const pool = new ChunkPool();
    const chunks = Array.from({ length: 300 }, () => pool.take());
    for (const chunk of chunks) pool.give(chunk);
    expect(pool.freeChunks).toBe(256);
  });
});

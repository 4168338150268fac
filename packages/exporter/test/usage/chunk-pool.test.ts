import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH, ChunkPool } from '../../src/usage/chunk-pool.js';

describe('ChunkPool', () => {
  it('makes 16 chunks of one buffer when none is free, none overlapping another', () => {
    const pool = new ChunkPool();
    const chunks = Array.from({ length: 16 }, () => pool.take());
    expect(pool.freeChunks).toBe(0);
    expect(pool.lentChunks).toBe(16);
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk).toBeInstanceOf(Float64Array);
      expect(chunk).toHaveLength(CHUNK_LENGTH);
      expect(chunk.buffer).toBe(chunks[0]?.buffer);
      chunk.fill(i);
    }
    for (const [i, chunk] of chunks.entries()) expect(new Set(chunk)).toEqual(new Set([i]));
    const next = pool.take();
    expect(next.buffer).not.toBe(chunks[0]?.buffer);
    expect(pool.freeChunks).toBe(15);
  });

  it('lends a chunk given back before making more', () => {
    const pool = new ChunkPool();
    const chunk = pool.take();
    expect(pool.take()).not.toBe(chunk);
    pool.give(chunk);
    expect(pool.freeChunks).toBe(15);
    expect(pool.lentChunks).toBe(1);
    expect(pool.take()).toBe(chunk);
    expect(pool.freeChunks).toBe(14);
    expect(pool.lentChunks).toBe(2);
  });

  it('keeps at most 256 free chunks, letting go of those given back beyond it', () => {
    const pool = new ChunkPool();
    const chunks = Array.from({ length: 300 }, () => pool.take());
    for (const chunk of chunks) pool.give(chunk);
    expect(pool.freeChunks).toBe(256);
    expect(pool.lentChunks).toBe(0);
  });
});

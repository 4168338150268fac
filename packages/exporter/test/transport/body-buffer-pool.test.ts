import { describe, expect, it } from 'vitest';
import { BodyBufferPool } from '../../src/transport/body-buffer-pool.js';

const bytesOf = ({ buffer, length }: { buffer: Buffer; length: number }) =>
  Buffer.from(buffer.subarray(0, length));

describe('BodyBufferPool', () => {
  describe('encode', () => {
    it('holds the body as UTF-8 from offset 0, as Buffer.from writes it', () => {
      const pool = new BodyBufferPool(2, 64);
      for (const body of ['', '{"events":[]}', 'é ü 漢字 😀', 'lone \ud800 surrogate']) {
        const encoded = pool.encode(body);
        expect(bytesOf(encoded)).toEqual(Buffer.from(body, 'utf8'));
        pool.release(encoded.buffer);
      }
    });

    it('reuses a released buffer for the next body', () => {
      const pool = new BodyBufferPool(2, 64);
      const first = pool.encode('x'.repeat(40));
      pool.release(first.buffer);
      const second = pool.encode('y'.repeat(10));
      expect(second.buffer).toBe(first.buffer);
      expect(bytesOf(second).toString()).toBe('y'.repeat(10));
    });

    it('never truncates a body the kept buffer cannot hold, in characters or in bytes', () => {
      const pool = new BodyBufferPool(2, 16);
      for (const body of ['a'.repeat(13), 'é'.repeat(10), '😀'.repeat(4), 'b'.repeat(100)]) {
        pool.release(pool.encode('').buffer);
        const encoded = pool.encode(body);
        expect(bytesOf(encoded)).toEqual(Buffer.from(body, 'utf8'));
      }
    });

    it('gives buffers in use to one body each', () => {
      const pool = new BodyBufferPool(2, 64);
      const a = pool.encode('first body');
      const b = pool.encode('second body');
      expect(b.buffer).not.toBe(a.buffer);
      expect(bytesOf(a).toString()).toBe('first body');
    });
  });

  describe('release', () => {
    it('keeps at most maxFree buffers and clear drops them', () => {
      const pool = new BodyBufferPool(1, 64);
      const a = pool.encode('a');
      const b = pool.encode('b');
      pool.release(a.buffer);
      pool.release(b.buffer);
      expect(pool.encode('c').buffer).toBe(a.buffer);
      expect(pool.encode('d').buffer).not.toBe(b.buffer);
      pool.release(a.buffer);
      pool.clear();
      expect(pool.encode('e').buffer).not.toBe(a.buffer);
    });
  });
});

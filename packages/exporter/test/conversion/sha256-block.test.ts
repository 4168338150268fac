import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Block } from '../../src/conversion/sha256-block.js';

/** `message` (at most 55 bytes) padded into one SHA-256 block of 16 big-endian words. */
function padded(message: Buffer): Int32Array {
  const bytes = Buffer.alloc(64);
  message.copy(bytes);
  bytes[message.length] = 0x80;
  bytes.writeUInt32BE(message.length * 8, 60);
  return Int32Array.from({ length: 16 }, (_, i) => bytes.readInt32BE(i * 4));
}

describe('sha256Block', () => {
  describe('one padded block', () => {
    it('gives the digest node:crypto gives, for messages of 0 to 55 bytes', () => {
      const out = new Int32Array(8);
      for (let length = 0; length <= 55; length++) {
        for (let i = 0; i < 40; i++) {
          const message = randomBytes(length);
          sha256Block(padded(message), out);
          const hex = Array.from(out, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
          expect(hex).toBe(createHash('sha256').update(message).digest('hex'));
        }
      }
    });

    it('gives the FIPS 180-4 digest of "abc"', () => {
      const out = new Int32Array(8);
      sha256Block(padded(Buffer.from('abc')), out);
      const hex = Array.from(out, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
      expect(hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });
  });
});

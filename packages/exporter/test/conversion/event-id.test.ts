import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_ID_NAMESPACE,
  eventIdFor,
  MALFORMED_ID_NAMESPACE,
} from '../../src/conversion/event-id.js';

const V8_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** RFC 9562 version 8 UUID from the first 16 bytes of a SHA-256 digest (appendix B.2). */
function v8Uuid(namespace: string, name: Buffer): string {
  const hash = createHash('sha256')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name)
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x80;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const x = hash.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The definition, by node:crypto: SHA-256 of namespace || trace id bytes || span id bytes. */
const defined = (traceId: string, spanId: string) =>
  v8Uuid(EVENT_ID_NAMESPACE, Buffer.from(traceId + spanId, 'hex'));

/** XOR of two hex strings of one length. */
const xorHex = (a: string, b: string) =>
  Array.from(a, (c, i) =>
    (Number.parseInt(c, 16) ^ Number.parseInt(b[i] as string, 16)).toString(16),
  ).join('');

describe('eventIdFor', () => {
  describe('well-formed ids', () => {
    it('is a deterministic version-8 UUID', () => {
      const id = eventIdFor('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
      expect(id).toBe(eventIdFor('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'));
      expect(id).toMatch(V8_UUID);
    });

    it('is the first 128 bits of SHA-256(namespace, trace id, span id) as node:crypto computes them', () => {
      // Pinned: the same span gets this id in every process and every release.
      expect(eventIdFor('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331')).toBe(
        defined('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'),
      );
      const cases: Array<[string, string]> = [
        ['0'.repeat(32), '0'.repeat(16)],
        ['f'.repeat(32), 'f'.repeat(16)],
        ['8'.repeat(32), '7'.repeat(16)],
      ];
      for (let i = 0; i < 3000; i++) {
        cases.push([randomBytes(16).toString('hex'), randomBytes(8).toString('hex')]);
      }
      for (const [traceId, spanId] of cases) {
        expect(eventIdFor(traceId, spanId), `${traceId} ${spanId}`).toBe(defined(traceId, spanId));
      }
    });

    it('differs for every span of one trace and for the same span id in another trace', () => {
      const trace = '0af7651916cd43dd8448eb211c80319c';
      const ids = new Set<string>();
      for (let i = 0; i < 5000; i++) ids.add(eventIdFor(trace, i.toString(16).padStart(16, '0')));
      ids.add(eventIdFor('1af7651916cd43dd8448eb211c80319c', '0000000000000000'));
      expect(ids.size).toBe(5001);
    });

    it('reads upper-case and mixed-case hex ids as their lower-case form', () => {
      const id = eventIdFor('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
      expect(eventIdFor('0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331')).toBe(id);
      expect(eventIdFor('0Af7651916cD43dd8448eB211c80319C', 'b7Ad6b7169203331')).toBe(id);
    });
  });

  describe('crafted collisions of the XOR fold', () => {
    it('gives distinct ids to trace ids that differ only in hex digit 12', () => {
      const span = 'b7ad6b7169203331';
      const ids = new Set(
        Array.from('0123456789abcdef', (d) =>
          eventIdFor(`0af7651916cd${d}3dd8448eb211c80319c`, span),
        ),
      );
      expect(ids.size).toBe(16);
    });

    it('gives distinct ids to trace and span ids XOR-ed with the same mask', () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[0-9a-f]{32}$/),
          fc.stringMatching(/^[0-9a-f]{16}$/),
          fc.stringMatching(/^[0-9a-f]{16}$/).filter((m) => m !== '0'.repeat(16)),
          (traceId, spanId, mask) => {
            // The fold put trace digits 0-11 ^ span digits 0-11 and trace 20-23 ^ span 12-15 in
            // the UUID: masking both sides alike left every one of them unchanged.
            const traceMask = `${mask.slice(0, 12)}${'0'.repeat(8)}${mask.slice(12)}${'0'.repeat(8)}`;
            const otherTrace = xorHex(traceId, traceMask);
            const otherSpan = xorHex(spanId, mask);
            expect(eventIdFor(otherTrace, otherSpan)).not.toBe(eventIdFor(traceId, spanId));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('malformed ids', () => {
    it('hashes them as JSON under their own namespace instead of throwing', () => {
      const cases: Array<[string, string]> = [
        ['XYZ', ''],
        ['', ''],
        ['abc', '12'],
        ['0af7651916cd43dd8448eb211c80319g', 'b7ad6b7169203331'],
        ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b716920333-'],
        ['0af7651916cd43dd8448eb211c80319\u0100', 'b7ad6b7169203331'],
        ['\ud800'.repeat(32), '\udfff'.repeat(16)],
      ];
      const ids = new Set<string>();
      for (const [traceId, spanId] of cases) {
        const id = eventIdFor(traceId, spanId);
        expect(id).toMatch(V8_UUID);
        expect(id).toBe(
          v8Uuid(MALFORMED_ID_NAMESPACE, Buffer.from(JSON.stringify([traceId, spanId]), 'utf8')),
        );
        ids.add(id);
      }
      expect(ids.size).toBe(cases.length);
    });

    it('never gives the id of a well-formed span to a malformed one', () => {
      // A non-ASCII character whose low 7 bits are a hex digit is not that digit.
      const wellFormed = eventIdFor('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
      const lookAlike = String.fromCharCode('c'.charCodeAt(0) + 0x80);
      expect(
        eventIdFor(`0af7651916cd43dd8448eb211c80319${lookAlike}`, 'b7ad6b7169203331'),
      ).not.toBe(wellFormed);
    });
  });
});

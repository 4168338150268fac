import { createHash } from 'node:crypto';
import { sha256Block } from './sha256-block.js';

// RFC 9562 version 8 from SHA-256 (the layout of its appendix B.2), not version 5: v5 is SHA-1,
// whose collisions can be crafted, and costs the same here (one compression of one block).

/** Namespace of the ids of spans with well-formed ids (its 16 bytes start the hashed message). */
export const EVENT_ID_NAMESPACE = '2ade34d3-db07-4987-b6af-f7a95d46bc65';
/** Namespace of the ids of spans whose ids are not hex of the OTel lengths (hashed as JSON). */
export const MALFORMED_ID_NAMESPACE = '5658e5ae-fc33-4dff-b6e3-6e9ead941714';

const HEX_DIGITS = '0123456789abcdef';
/** Value of a lower-case hex digit by char code, -1 for any other ASCII character. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX[HEX_DIGITS.charCodeAt(i)] = i;
/** Char code of a hex digit by value. */
const DIGIT_CODES = Int32Array.from(HEX_DIGITS, (c) => c.charCodeAt(0));

/**
 * The one block hashed for a well-formed span: namespace (16 bytes), trace id (16), span id (8),
 * then SHA-256 padding for 40 bytes. Words 0-3 and 10-15 never change.
 */
const block = new Int32Array(16);
const namespaceHex = EVENT_ID_NAMESPACE.replaceAll('-', '');
for (let i = 0; i < 4; i++) block[i] = Number.parseInt(namespaceHex.slice(i * 8, i * 8 + 8), 16);
block[10] = 0x80000000 | 0;
block[15] = 40 * 8;
const digest = new Int32Array(8);
/** Char codes of the UUID being built (reused: building is synchronous); dashes fixed. */
const codes: number[] = new Array(36).fill(45);

/**
 * Reads the first `words` * 8 characters of `id` as lower-case hex into block words from `word`;
 * false (the block left partly written) when one is not a lower-case hex digit.
 */
function readHex(id: string, word: number, words: number): boolean {
  let bad = 0;
  for (let w = 0; w < words; w++) {
    let value = 0;
    for (let i = w * 8, end = i + 8; i < end; i++) {
      const c = id.charCodeAt(i);
      const digit = HEX[c & 0x7f] as number;
      bad |= digit | (0x7f - c); // negative for a non-digit or a code above 127
      value = (value << 4) | digit;
    }
    block[word + w] = value;
  }
  return bad >= 0;
}

/** Writes the 128 bits of `words` as a UUID with version 8 and the RFC 9562 variant. */
function uuidOf(words: ArrayLike<number>): string {
  for (let w = 0, at = 0; w < 4; w++) {
    const word = words[w] as number;
    for (let shift = 28; shift >= 0; shift -= 4, at++) {
      if (at === 8 || at === 13 || at === 18 || at === 23) at++;
      codes[at] = DIGIT_CODES[(word >>> shift) & 0xf] as number;
    }
  }
  codes[14] = 56; // '8', the version
  codes[19] = DIGIT_CODES[(((words[2] as number) >>> 28) & 0x3) | 0x8] as number; // variant 10xx
  return String.fromCharCode.apply(null, codes);
}

/** The id of a span whose ids are not 32 and 16 hex digits: SHA-256 of their JSON, by node. */
function malformedEventId(traceId: string, spanId: string): string {
  const hash = createHash('sha256')
    .update(Buffer.from(MALFORMED_ID_NAMESPACE.replaceAll('-', ''), 'hex'))
    .update(JSON.stringify([traceId, spanId]) ?? '', 'utf8')
    .digest();
  return uuidOf([
    hash.readInt32BE(0),
    hash.readInt32BE(4),
    hash.readInt32BE(8),
    hash.readInt32BE(12),
  ]);
}

/**
 * A deterministic UUID (version 8, RFC 9562) for a span, so that a retried, carried-over or
 * replayed event is the same event, in this process or the next, and the server's duplicate check
 * makes delivery idempotent: the first 128 bits of SHA-256(namespace || trace id || span id), the
 * ids as their 16 and 8 bytes. Distinct spans get distinct ids unless SHA-256 collides, whatever
 * the ids are. Upper-case hex ids give the id of their lower-case form; ids of other lengths or
 * characters are hashed (as JSON, under their own namespace) too, so they never throw.
 */
export function eventIdFor(traceId: string, spanId: string): string {
  if (traceId.length === 32 && spanId.length === 16) {
    if (readHex(traceId, 4, 4) && readHex(spanId, 8, 2)) {
      sha256Block(block, digest);
      return uuidOf(digest);
    }
    const t = traceId.toLowerCase();
    const s = spanId.toLowerCase();
    if (readHex(t, 4, 4) && readHex(s, 8, 2)) {
      sha256Block(block, digest);
      return uuidOf(digest);
    }
  }
  return malformedEventId(traceId, spanId);
}

const HEX_DIGITS = '0123456789abcdef';
/** Value of each lower-case hex digit by char code; -1 for any other ASCII character. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE[HEX_DIGITS.charCodeAt(i)] = i;
/** Char codes of the UUID being built (reused: building one is synchronous). */
const codes: number[] = new Array(36).fill(0);

/** Lower-case hex of exactly `length` digits (SDK ids already are; anything else is made so). */
function hexOf(id: string, length: number): string {
  return id
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '0')
    .padStart(length, '0')
    .slice(-length);
}

function nibble(id: string, i: number): number {
  const c = id.charCodeAt(i);
  return c < 128 ? (NIBBLE[c] as number) : -1;
}

/** The UUID of two well-formed ids, or undefined when either is not lower-case hex. */
function fold(trace: string, span: string): string | undefined {
  let bad = 0;
  let j = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) codes[j++] = 45; // '-'
    let v = nibble(trace, i);
    bad |= v;
    if (i < 12 || (i >= 20 && i < 24)) {
      const w = nibble(span, i < 12 ? i : i - 8);
      bad |= w;
      v ^= w;
    } else if (i === 12) {
      v = 8; // the version
    } else if (i === 16) {
      v = (v & 0x3) | 0x8; // the variant, 10xx
    }
    codes[j++] = HEX_DIGITS.charCodeAt(v & 0xf);
  }
  return bad < 0 ? undefined : String.fromCharCode.apply(null, codes);
}

/**
 * A deterministic UUID (version 8, RFC 9562) for a span, so that a retried or replayed event is
 * the same event and the server's duplicate check makes delivery idempotent. The 128-bit trace id
 * is folded with the 64-bit span id by XOR into the 122 free bits: span id digits 0-11 into UUID
 * digits 0-11 and 12-15 into 20-23, digit 12 being the version and the top bits of digit 16 the
 * variant. Distinct spans of one trace always differ, and random ids of different traces collide
 * with probability ~2^-122. No hashing, no number formatting: this runs once per exported span.
 */
export function eventIdFor(traceId: string, spanId: string): string {
  if (traceId.length === 32 && spanId.length === 16) {
    const id = fold(traceId, spanId);
    if (id !== undefined) return id;
  }
  return fold(hexOf(traceId, 32), hexOf(spanId, 16)) as string;
}

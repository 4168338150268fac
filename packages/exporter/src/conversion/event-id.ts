const HEX_DIGITS = '0123456789abcdef';
/** Marks a character that is not a lower-case hex digit: any table entry holding it is negative. */
const BAD = -0x8000;
/** Char code of a hex digit by its own char code (ASCII index), BAD for any other character. */
const SAME = new Int16Array(128).fill(BAD);
/** Char code of the variant digit (10xx) made from a hex digit's low two bits, by char code. */
const VARIANT = new Int16Array(128).fill(BAD);
/** Char code of hex(a ^ b) by (char code of a) << 7 | (char code of b), BAD unless both are hex. */
const XOR = new Int16Array(128 * 128).fill(BAD);
for (let a = 0; a < 16; a++) {
  const ca = HEX_DIGITS.charCodeAt(a);
  SAME[ca] = ca;
  VARIANT[ca] = HEX_DIGITS.charCodeAt((a & 0x3) | 0x8);
  for (let b = 0; b < 16; b++) {
    XOR[(ca << 7) | HEX_DIGITS.charCodeAt(b)] = HEX_DIGITS.charCodeAt(a ^ b);
  }
}

/** Lower-case hex of exactly `length` digits (SDK ids already are; anything else is made so). */
function hexOf(id: string, length: number): string {
  return id
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '0')
    .padStart(length, '0')
    .slice(-length);
}

/** Char codes of the UUID being built (reused: building is synchronous); dashes, version fixed. */
const codes: number[] = new Array(36).fill(0);
codes[8] = codes[13] = codes[18] = codes[23] = 45; // '-'
codes[14] = 56; // '8', the version

/**
 * The UUID of a 32-digit trace id and a 16-digit span id, or undefined when either holds anything
 * but lower-case hex digits (characters are read modulo 128: a non-ASCII one, which no SDK makes,
 * may pass for a digit and still yields a valid, deterministic UUID). Table look-ups only.
 */
function fold(t: string, s: string): string | undefined {
  let bad = 0;
  for (let i = 0; i < 12; i++) {
    bad |= codes[i < 8 ? i : i + 1] = XOR[
      ((t.charCodeAt(i) & 0x7f) << 7) | (s.charCodeAt(i) & 0x7f)
    ] as number;
  }
  bad |= SAME[t.charCodeAt(12) & 0x7f] as number; // replaced by the version, but must be hex
  for (let i = 13; i < 16; i++) bad |= codes[i + 2] = SAME[t.charCodeAt(i) & 0x7f] as number;
  bad |= codes[19] = VARIANT[t.charCodeAt(16) & 0x7f] as number;
  for (let i = 17; i < 20; i++) bad |= codes[i + 3] = SAME[t.charCodeAt(i) & 0x7f] as number;
  for (let i = 20; i < 24; i++) {
    bad |= codes[i + 4] = XOR[
      ((t.charCodeAt(i) & 0x7f) << 7) | (s.charCodeAt(i - 8) & 0x7f)
    ] as number;
  }
  for (let i = 24; i < 32; i++) bad |= codes[i + 4] = SAME[t.charCodeAt(i) & 0x7f] as number;
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

const HEX = /^[0-9a-f]+$/;

/** Lower-case hex of exactly `length` digits (SDK ids already are; anything else is made so). */
function hexOf(id: string, length: number): string {
  if (id.length === length && HEX.test(id)) return id;
  return id
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '0')
    .padStart(length, '0')
    .slice(-length);
}

/**
 * A deterministic UUID (version 8, RFC 9562) for a span, so that a retried or replayed event is
 * the same event and the server's duplicate check makes delivery idempotent. The 128-bit trace id
 * is folded with the 64-bit span id by XOR into the 122 free bits: distinct spans of one trace
 * always differ, and random ids of different traces collide with probability ~2^-122. No hashing:
 * this runs once per exported span.
 */
export function eventIdFor(traceId: string, spanId: string): string {
  const trace = hexOf(traceId, 32);
  const span = hexOf(spanId, 16);
  // Span id nibbles go to positions 0-11 (48 bits) and 20-23 (16 bits); the version nibble
  // (12) and the variant bits (top of 16) are set after.
  const hex = (i: number, s: number) =>
    (Number.parseInt(trace[i] as string, 16) ^ Number.parseInt(span[s] as string, 16)).toString(16);
  let out = '';
  for (let i = 0; i < 12; i++) out += hex(i, i);
  out += '8';
  out += trace.slice(13, 16);
  out += ((Number.parseInt(trace[16] as string, 16) & 0x3) | 0x8).toString(16);
  out += trace.slice(17, 20);
  for (let i = 20; i < 24; i++) out += hex(i, i - 8);
  out += trace.slice(24, 32);
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

import { createHash } from 'node:crypto';

// RFC 9562 version 8 from SHA-256 (the layout of its appendix B.2), not version 5: v5 is SHA-1,
// whose collisions can be crafted.

/** Namespace of the ids of spans with well-formed ids (its 16 bytes start the hashed message). */
export const EVENT_ID_NAMESPACE = '2ade34d3-db07-4987-b6af-f7a95d46bc65';
/** Namespace of the ids of spans whose ids are not hex of the OTel lengths (hashed as JSON). */
export const MALFORMED_ID_NAMESPACE = '5658e5ae-fc33-4dff-b6e3-6e9ead941714';

/** The message hashed for a well-formed span: namespace, then trace and span id bytes (reused). */
const message = Buffer.alloc(40);
message.write(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');
const MALFORMED_NAMESPACE_BYTES = Buffer.from(MALFORMED_ID_NAMESPACE.replaceAll('-', ''), 'hex');
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;

/** The variant digit (RFC 9562: bits 10xx) by the value of the digest's hex digit it replaces. */
const VARIANT = '89ab89ab89ab89ab';

/** The first 128 bits of a hex SHA-256 digest as a UUID with version 8 and the RFC 9562 variant. */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${VARIANT[Number.parseInt(hex[16] as string, 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
    // Upper-case hex gives the same bytes as lower-case.
    if (TRACE_ID.test(traceId) && SPAN_ID.test(spanId)) {
      message.write(traceId, 16, 'hex');
      message.write(spanId, 32, 'hex');
      return uuidOf(createHash('sha256').update(message).digest('hex'));
    }
  }
  return uuidOf(
    createHash('sha256')
      .update(MALFORMED_NAMESPACE_BYTES)
      .update(JSON.stringify([traceId, spanId]) ?? '', 'utf8')
      .digest('hex'),
  );
}

import type { Type } from 'protobufjs';

/** How an OTLP/HTTP body is encoded. */
export type OtlpEncoding = 'protobuf' | 'json';

/** The parsed request, or why it could not be parsed (never quoting the body). */
export type ParsedBody = { ok: true; message: unknown } | { ok: false; reason: string };

/**
 * Parses an OTLP request body: protobuf with the official message type, JSON with `JSON.parse`.
 * The reason of a failure names the encoding and, for protobuf, protobufjs' own message (offsets
 * and wire types only); JSON's engine message is not used, since it quotes the input.
 */
export function parseOtlpBody(body: Buffer, encoding: OtlpEncoding, type: Type): ParsedBody {
  if (encoding === 'json') {
    try {
      const message: unknown = JSON.parse(body.toString('utf8'));
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        return { ok: false, reason: 'the JSON body is not an object' };
      }
      return { ok: true, message };
    } catch {
      return { ok: false, reason: 'the body is not valid JSON' };
    }
  }
  try {
    return { ok: true, message: type.decode(body) };
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/[^\w .,:()/-]/g, '') : '';
    return { ok: false, reason: `the body is not a valid ${type.name} protobuf (${detail})` };
  }
}

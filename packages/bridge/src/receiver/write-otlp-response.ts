import type { ServerResponse } from 'node:http';
import type { Type } from 'protobufjs';
import { OtlpTypes } from '../decode/otlp-root.js';
import type { OtlpEncoding } from '../decode/parse-otlp-body.js';

const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** Writes `message` (a plain object of `type`'s fields) in `encoding`. */
function write(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  type: Type,
  message: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const body =
    encoding === 'protobuf'
      ? Buffer.from(type.encode(type.fromObject(message)).finish())
      : Buffer.from(JSON.stringify(message));
  res.writeHead(status, {
    'Content-Type': CONTENT_TYPES[encoding],
    'Content-Length': String(body.length),
    ...headers,
  });
  res.end(body);
}

/**
 * The empty Export*ServiceResponse (every record accepted): zero bytes in protobuf (so `end()`
 * without a chunk: an empty one still goes through the write path), `{}` in JSON.
 */
const EMPTY: Readonly<Record<OtlpEncoding, Buffer | undefined>> = {
  protobuf: undefined,
  json: Buffer.from('{}'),
};
const EMPTY_HEADERS: Readonly<Record<OtlpEncoding, Record<string, string>>> = {
  protobuf: { 'Content-Type': CONTENT_TYPES.protobuf, 'Content-Length': '0' },
  json: { 'Content-Type': CONTENT_TYPES.json, 'Content-Length': '2' },
};

/** 200 with the Export*ServiceResponse; `partialSuccess` only when records were refused. */
export function writeExportResponse(
  res: ServerResponse,
  encoding: OtlpEncoding,
  type: Type,
  rejectedField: string,
  rejected: number,
  reason: string | undefined,
): void {
  if (rejected === 0) {
    // The usual answer, prebuilt: one write, nothing encoded per request.
    res.writeHead(200, EMPTY_HEADERS[encoding]);
    const body = EMPTY[encoding];
    if (body === undefined) res.end();
    else res.end(body);
    return;
  }
  write(res, 200, encoding, type, {
    partialSuccess: { [rejectedField]: rejected, errorMessage: reason ?? '' },
  });
}

/** An error answer: a `google.rpc.Status` whose message says what is wrong. */
export function writeStatus(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  message: string,
  headers?: Record<string, string>,
): void {
  // gRPC codes by HTTP status: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE, else UNKNOWN.
  const code =
    status === 400 || status === 415
      ? 3
      : status === 413 || status === 429
        ? 8
        : status === 503
          ? 14
          : 2;
  write(res, status, encoding, OtlpTypes.status, { code, message }, headers);
}

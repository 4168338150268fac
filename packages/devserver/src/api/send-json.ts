import type { ServerResponse } from 'node:http';

/** A JSON answer a route handler wants sent. */
export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Builds the `{"error": message}` reply every failing route answers with. */
export function errorReply(
  status: number,
  error: string,
  headers?: Record<string, string>,
): JsonReply {
  return headers ? { status, body: { error }, headers } : { status, body: { error } };
}

/** Writes a JSON reply unless the response is already gone. */
export function sendJson(res: ServerResponse, reply: JsonReply): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

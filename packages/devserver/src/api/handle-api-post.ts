import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_REQUEST_BODY_BYTES } from '@mosaicstack/telemetry-semconv';
import { parseBearerToken } from '../access/parse-bearer-token.js';
import { readBody } from './read-body.js';
import { errorReply, type JsonReply, sendJson } from './send-json.js';
import type { ServerContext } from './server-context.js';

/** A v1 route's work once the request is authorised and its JSON body parsed. */
export type ApiRoute = (body: unknown, instanceId: string, ctx: ServerContext) => JsonReply;

const UNAUTHORIZED = { 'WWW-Authenticate': 'Bearer' };

const isJson = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/** Waits `ms`; false when the server started closing meanwhile. */
async function pause(ms: number, closing: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: closing });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the checks every v1 POST shares, in order: Bearer auth (401), the key's rate limit (429),
 * Content-Type (415), the 1 MiB body limit (413, then the connection is closed) and JSON (400);
 * then answers with `route`, `delayMs` after the body was read (an injected slow server).
 */
export async function handleApiPost(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ServerContext,
  route: ApiRoute,
  delayMs = 0,
): Promise<void> {
  const token = parseBearerToken(req.headers.authorization);
  if (token === undefined) {
    sendJson(res, errorReply(401, 'Authorization: missing Bearer token', UNAUTHORIZED));
    return;
  }
  const credential = ctx.credentials.authenticate(token);
  if (!credential) {
    sendJson(res, errorReply(401, 'Authorization: unknown API key', UNAUTHORIZED));
    return;
  }
  const verdict = ctx.limiter?.take(credential.apiKey) ?? { allowed: true };
  if (!verdict.allowed) {
    const retryAfter = String(verdict.retryAfterSeconds);
    sendJson(
      res,
      errorReply(429, `rate limit exceeded: retry after ${retryAfter} s`, {
        'Retry-After': retryAfter,
      }),
    );
    return;
  }
  if (!isJson(req.headers['content-type'])) {
    const actual = req.headers['content-type'] ?? 'none';
    sendJson(res, errorReply(415, `Content-Type: must be application/json, got ${actual}`));
    return;
  }

  const read = await readBody(req, MAX_REQUEST_BODY_BYTES);
  if (read.kind === 'aborted' || ctx.closing.aborted) return;
  if (delayMs > 0 && !(await pause(delayMs, ctx.closing))) return;
  if (read.kind === 'too-large') {
    const message = `body: larger than the limit of ${MAX_REQUEST_BODY_BYTES} bytes`;
    sendJson(res, errorReply(413, message, { Connection: 'close' }));
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    sendJson(res, errorReply(400, `body: invalid JSON (${(error as Error).message})`));
    return;
  }
  sendJson(res, route(body, credential.instanceId, ctx));
}

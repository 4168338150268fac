import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './fault-injector.js';

/** A body that starts like a batch answer and stops mid-way: not valid JSON. */
const MALFORMED_BODY = '{"accepted": 1, "rejected": 0, "results": [{"event_id": ';

/**
 * Finishes a POST request with an injected fault instead of processing it. (A delay is no such
 * fault: handleApiPost applies it after reading the body, see server/create-request-handler.ts.)
 */
export function applyFault(
  fault: Exclude<Fault, { kind: 'delay' }>,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'malformed':
      finish(res, 200, MALFORMED_BODY, {});
      return;
    case 'fail': {
      const body = fault.body ?? JSON.stringify({ error: `injected fault: ${fault.status}` });
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      finish(res, fault.status, body, headers);
      return;
    }
  }
}

function finish(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault-injector.js';

/** A body that starts like a batch answer and stops mid-way: not valid JSON. */
const MALFORMED_BODY = '{"accepted": 1, "rejected": 0, "results": [{"event_id": ';

/**
 * Applies one injected fault to a POST request. Resolves true when the request should then be
 * processed normally (a delay), false when the fault already finished it.
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  closing: AbortSignal,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      try {
        await sleep(fault.ms, undefined, { signal: closing });
      } catch {
        return false;
      }
      return !res.destroyed;
    case 'reset':
      req.socket.destroy();
      return false;
    case 'malformed':
      finish(res, 200, MALFORMED_BODY, {});
      return false;
    case 'fail': {
      const body = fault.body ?? JSON.stringify({ error: `injected fault: ${fault.status}` });
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      finish(res, fault.status, body, headers);
      return false;
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

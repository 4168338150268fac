import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What a handler answers: a status, optional headers and body; or 'reset' to drop the socket. */
export type RecordedResponse =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'reset';

export interface RecordingServer {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler; the default accepts every event of a v1 batch. */
  respondWith(handler: (req: RecordedRequest, index: number) => RecordedResponse): void;
  close(): Promise<void>;
}

/** Answers a v1 events batch with every event accepted. */
export function acceptAll(req: RecordedRequest): RecordedResponse {
  const events = (JSON.parse(req.body) as { events: Array<{ event_id: string }> }).events;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      accepted: events.length,
      rejected: 0,
      results: events.map((e) => ({ event_id: e.event_id, status: 'accepted', error: null })),
    }),
  };
}

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let handler: (req: RecordedRequest, index: number) => RecordedResponse = acceptAll;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      const answer = handler(recorded, index);
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      const send = () => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real loopback Mosaic server stand-in that accepts every event and records every body. */
export interface RecordingUpstream {
  readonly url: string;
  readonly bodies: string[];
  close(): Promise<void>;
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      const events = (JSON.parse(body) as { events: Array<{ event_id: string }> }).events;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          accepted: events.length,
          rejected: 0,
          results: events.map((e) => ({ event_id: e.event_id, status: 'accepted', error: null })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';

/** A loopback Telemetry API v1 stand-in: accepts every event of every batch and records it. */
export interface RecordingServer {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** Request bodies received on POST /v1/events/batch, parsed. */
  readonly batches: Array<{ events: TaskCompletionEvent[] }>;
  /** Every event received, in order. */
  events(): TaskCompletionEvent[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const batches: Array<{ events: TaskCompletionEvent[] }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/events/batch') {
        res.writeHead(404).end();
        return;
      }
      const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        events: TaskCompletionEvent[];
      };
      batches.push(batch);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          accepted: batch.events.length,
          rejected: 0,
          results: batch.events.map((e) => ({
            event_id: e.event_id,
            status: 'accepted',
            error: null,
          })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batches,
    events: () => batches.flatMap((b) => b.events),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid enabled config delivering to `url`. */
export function testConfig(url: string) {
  return {
    enabled: true,
    serverUrl: url,
    apiKey: 'ab'.repeat(32),
    instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
    submitIntervalMs: 60_000,
  };
}

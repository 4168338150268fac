// A loopback sink run in its own process (child_process.fork), so its CPU is not the exporter's:
// answers a Mosaic v1 batch with an accept-all body naming every event, and OTLP with `{}`.
import { createServer } from 'node:http';

let requests = 0;
let events = 0;
let otlpSpans = 0;
/** Token counts of the last event received (benches check a fold's result with them). */
let lastTokens;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    requests++;
    if (req.url?.endsWith('/v1/events/batch')) {
      const sent = JSON.parse(Buffer.concat(chunks).toString('utf8')).events;
      events += sent.length;
      const last = sent.at(-1);
      if (last !== undefined) {
        lastTokens = { input: last.actual_input_tokens, output: last.actual_output_tokens };
      }
      const body = JSON.stringify({
        accepted: sent.length,
        rejected: 0,
        results: sent.map((e) => ({ event_id: e.event_id, status: 'accepted' })),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      if (req.url?.endsWith('/v1/traces')) {
        for (const rs of JSON.parse(Buffer.concat(chunks).toString('utf8')).resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) otlpSpans += ss.spans?.length ?? 0;
        }
      }
      // OTLP/HTTP JSON: an empty ExportTraceServiceResponse (no partialSuccess) means all accepted.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.address().port });
});
process.on('message', (message) => {
  if (message?.type === 'stats')
    process.send?.({ type: 'stats', requests, events, otlpSpans, lastTokens });
  if (message?.type === 'close') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));

// Soak: task spans ended as fast as the host can while the server is down (a closed loopback
// port). Run with `node --expose-gc`; imports the BUILT packages. Prints one JSON line of figures.
// Usage: node --expose-gc test/soak/server-down-soak.mjs [spans=1000000] [checkpoints=10]
import { createServer } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createMosaicSpanProcessor } from '@mosaicstack/telemetry-exporter';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const CHECKPOINTS = Number(process.argv[3] ?? 10);
/** Spans ended between two turns of the event loop (so exports, retries and timers run). */
const BURST = 5_000;
const MAX_QUEUE = 1_000;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const heapAfterGc = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Count what the BSP drops past its queue: it logs the count at warn when it next accepts a span.
let bspDropped = 0;
const otherWarnings = [];
diag.setLogger(
  {
    error: (...args) => {
      if (otherWarnings.length < 3) otherWarnings.push(args.join(' ').slice(0, 200));
    },
    warn: (...args) => {
      const line = args.join(' ');
      const match = /Dropped (\d+) spans because maxQueueSize reached/.exec(line);
      if (match) bspDropped += Number(match[1]);
      else if (otherWarnings.length < 3) otherWarnings.push(line.slice(0, 200));
    },
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);

const errorsByKind = {};
let carryOverDropped = 0;
const port = await closedPort();
const processor = createMosaicSpanProcessor({
  enabled: true,
  serverUrl: `http://127.0.0.1:${port}`,
  apiKey: 'ab'.repeat(32),
  instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
  maxQueueSize: MAX_QUEUE,
  submitIntervalMs: 200,
  requestTimeoutMs: 1_000,
  maxRetries: 2,
  onError: (error) => {
    errorsByKind[error.kind] = (errorsByKind[error.kind] ?? 0) + 1;
    if (error.kind === 'dropped') carryOverDropped += error.eventCount;
  },
});
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
const tracer = provider.getTracer('soak');

const baseline = heapAfterGc();
const started = performance.now();
const checkpoints = [];
const every = TOTAL / CHECKPOINTS;
for (let i = 0; i < TOTAL; i++) {
  tracer
    .startSpan('task', {
      attributes: {
        'mosaic.task.type': 'implementation',
        'mosaic.task.complexity': 'medium',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.usage.input_tokens': i,
        'gen_ai.usage.output_tokens': i % 1000,
      },
    })
    .end();
  if ((i + 1) % BURST === 0) await yieldToLoop();
  if ((i + 1) % every === 0) {
    checkpoints.push({
      spans: i + 1,
      heapUsed: heapAfterGc(),
      rss: process.memoryUsage().rss,
      trackedSpans: processor.trackedSpanCount,
    });
  }
}
const recordMs = performance.now() - started;
// The BSP logs what it dropped only when it next accepts a span, i.e. once an export in flight
// (retrying with the real 1 s, 2 s backoff against the closed port) has ended and freed its
// queue: end one more task span now and then until that count shows, for at most 20 s.
for (let probe = 0; bspDropped === 0 && probe < 80; probe++) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  tracer
    .startSpan('task', {
      attributes: { 'mosaic.task.type': 'implementation', 'gen_ai.usage.input_tokens': 1 },
    })
    .end();
}
// The server is still down: a flush fails, keeps at most the carry-over cap, and returns.
await processor.forceFlush();
const afterFlush = heapAfterGc();
await provider.shutdown();
const afterShutdown = heapAfterGc();

process.stdout.write(
  `${JSON.stringify({
    spans: TOTAL,
    maxQueueSize: MAX_QUEUE,
    baselineHeap: baseline,
    checkpoints,
    afterFlushHeap: afterFlush,
    afterShutdownHeap: afterShutdown,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    recordMs: Math.round(recordMs),
    totalMs: Math.round(performance.now() - started),
    bspDropped,
    carryOverDropped,
    errorsByKind,
    otherWarnings,
  })}\n`,
);

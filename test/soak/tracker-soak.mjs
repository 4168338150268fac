// Soak: millions of ordinary (non-task) spans with the processor on, a few of them under live
// task spans, then spans that never end under a task. Run with `node --expose-gc`; imports the
// BUILT packages. Prints one JSON line of figures.
// Usage: node --expose-gc test/soak/tracker-soak.mjs [ordinarySpans=2000000] [checkpoints=10]
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createMosaicSpanProcessor } from '@mosaicstack/telemetry-exporter';
import { context, DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const TOTAL = Number(process.argv[2] ?? 2_000_000);
const CHECKPOINTS = Number(process.argv[3] ?? 10);
/** One task every this many ordinary spans, with CHILDREN of those spans beneath it. */
const TASK_EVERY = 2_000;
const CHILDREN = 40;
/** Spans started under a task and never ended: more than the tracker's 10,000 cap. */
const LEAKED = 15_000;
const BURST = 10_000;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const heapAfterGc = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

/** The first warnings and errors logged, as copies: a slice of a line would keep the whole line. */
const warnings = [];
let warningCount = 0;
const keepWarning = (...args) => {
  // The dry run logs each batch it would send (tens of KB) at warn: keeping slices of those lines
  // made the heap grow by one batch per checkpoint, which the drift check below then measured.
  if (warningCount++ < 5) warnings.push(Buffer.from(args.join(' ').slice(0, 200)).toString());
};
diag.setLogger(
  {
    error: keepWarning,
    warn: keepWarning,
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);

// Dry run: task events are built and logged at warn (the logger above keeps the first few), never
// sent.
const processor = createMosaicSpanProcessor({
  enabled: true,
  dryRun: true,
  serverUrl: 'http://127.0.0.1:9',
  apiKey: 'ab'.repeat(32),
  instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
  submitIntervalMs: 1_000,
});
if (typeof processor.trackedSpanCount !== 'number') {
  throw new Error('the processor offers no trackedSpanCount: cannot observe the live-span map');
}
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
const tracer = provider.getTracer('soak');

const baseline = heapAfterGc();
const started = performance.now();
const checkpoints = [];
const every = TOTAL / CHECKPOINTS;
let maxTracked = 0;
let tasks = 0;
/** A long-lived task: open for the whole phase, a child of it every TASK_EVERY / 4 spans. */
const longTask = tracer.startSpan('long task', { attributes: { 'mosaic.task.type': 'testing' } });
const longContext = trace.setSpan(context.active(), longTask);
let task;
let taskContext;
let childrenLeft = 0;
let straggler;
for (let i = 0; i < TOTAL; i++) {
  if (i % TASK_EVERY === 0) {
    task = tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'implementation' } });
    taskContext = trace.setSpan(context.active(), task);
    childrenLeft = CHILDREN;
    tasks++;
  }
  if (childrenLeft > 0) {
    // A model call beneath the live task: tracked on start, folded and forgotten on end. The
    // first call of each task is a wrapper whose inner call ends after the task (out of order).
    const call = tracer.startSpan(
      'chat',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 2,
        },
      },
      taskContext,
    );
    if (childrenLeft === CHILDREN) {
      straggler = tracer.startSpan('inner', {}, trace.setSpan(taskContext, call));
    }
    if (processor.trackedSpanCount > maxTracked) maxTracked = processor.trackedSpanCount;
    call.end();
    if (--childrenLeft === 0) {
      task.end();
      straggler.end();
    }
  } else if (i % (TASK_EVERY / 4) === 1) {
    tracer.startSpan('step', {}, longContext).end();
  } else {
    tracer.startSpan('GET /', { attributes: { 'http.request.method': 'GET' } }).end();
  }
  if ((i + 1) % BURST === 0) await yieldToLoop();
  if ((i + 1) % every === 0) {
    // Ended task spans wait in the batch processor's queue until its timer exports them: flushed
    // first, so a checkpoint measures what the processor keeps, not how far that timer got.
    await processor.forceFlush();
    checkpoints.push({
      spans: i + 1,
      heapUsed: heapAfterGc(),
      trackedSpans: processor.trackedSpanCount,
    });
  }
}
longTask.end();
const trackedAfterAllEnded = processor.trackedSpanCount;
const ordinaryMs = performance.now() - started;

// Spans that never end under a live task: the tracker must stop at its cap.
const leakyTask = tracer.startSpan('leaky', { attributes: { 'mosaic.task.type': 'debugging' } });
const leakyContext = trace.setSpan(context.active(), leakyTask);
const leaked = [];
for (let i = 0; i < LEAKED; i++) leaked.push(tracer.startSpan('never ends', {}, leakyContext));
const trackedWithLeaks = processor.trackedSpanCount;
const heapWithLeaks = heapAfterGc();
leakyTask.end();
await processor.forceFlush();
await provider.shutdown();
const trackedAfterShutdown = processor.trackedSpanCount;

process.stdout.write(
  `${JSON.stringify({
    ordinarySpans: TOTAL,
    tasks: tasks + 2,
    baselineHeap: baseline,
    checkpoints,
    maxTracked,
    trackedAfterAllEnded,
    leakedSpans: leaked.length,
    trackedWithLeaks,
    heapWithLeaks,
    trackedAfterShutdown,
    ordinaryMs: Math.round(ordinaryMs),
    nsPerSpan: Math.round((ordinaryMs * 1e6) / TOTAL),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    warnings,
    warningCount,
  })}\n`,
);

// (h) Heap with 10,000 spans in flight: 100 live tasks with 100 started, not yet ended,
// model-call spans each, through a real provider; the heap (with array buffers) after a full GC,
// above the same spans with the no-op processor (plain BSP + OTLP JSON beside it: it holds nothing until spans end).
// Each processor in a fresh process (this file forks itself), so nothing of one stays in another.
import { fork } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { importExporter } from './lib/paths.mjs';
import { benchConfig, TASK_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, printTable, reportSummary } from './lib/stats.mjs';

const TASKS = 100;
const PER_TASK = 100;
const PROCESSORS = ['no-op', 'plain BSP + OTLP JSON', 'mosaic'];

/**
 * Heap used after a full collection, with the array buffers held outside the heap (a processor
 * may keep numbers in typed arrays, whose bytes `heapUsed` leaves out).
 */
function heapAfterGc() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function measure(which) {
  const url = 'http://127.0.0.1:9'; // never reached: no span ends, nothing is exported
  let processor = {
    onStart() {},
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  if (which === 'plain BSP + OTLP JSON') {
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }));
  } else if (which === 'mosaic') {
    const { createMosaicSpanProcessor } = await importExporter();
    processor = createMosaicSpanProcessor(benchConfig(url));
  }
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('bench');
  const live = [];
  const before = heapAfterGc();
  for (let t = 0; t < TASKS; t++) {
    const task = tracer.startSpan('task', { attributes: TASK_ATTRIBUTES }, ROOT_CONTEXT);
    live.push(task);
    const ctx = trace.setSpan(ROOT_CONTEXT, task);
    for (let i = 0; i < PER_TASK; i++) {
      live.push(
        tracer.startSpan(
          'chat gpt-4o',
          {
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-4o',
            },
          },
          ctx,
        ),
      );
    }
  }
  const after = heapAfterGc();
  if (live.length !== TASKS * (PER_TASK + 1)) throw new Error('spans lost');
  return after - before;
}

if (process.argv[2] !== undefined) {
  process.send?.({ type: 'heap', bytes: await measure(process.argv[2]) });
} else {
  const bytes = {};
  for (const which of PROCESSORS) {
    bytes[which] = await new Promise((resolve, reject) => {
      const child = fork(new URL(import.meta.url), [which], { stdio: 'inherit' });
      child.on('message', (m) => m?.type === 'heap' && resolve(m.bytes));
      child.on('exit', (code) => code !== 0 && reject(new Error(`${which} exited ${code}`)));
    });
  }
  const spans = TASKS * (PER_TASK + 1);
  const above = (which) => (bytes[which] - bytes['no-op']) / spans;
  console.log(
    `\n(h) heap with ${spans} spans in flight (${TASKS} live tasks x ${PER_TASK} started model-call spans), after a full GC, each processor in a fresh process\n`,
  );
  printTable(
    ['processor', 'MB', 'bytes/span above no-op'],
    PROCESSORS.map((w) => [w, fmt(bytes[w] / 2 ** 20, 2), w === 'no-op' ? '' : fmt(above(w), 0)]),
  );
  reportSummary([
    {
      bench: 'h heap',
      metric: `${spans} spans in flight under live tasks`,
      value: `+${fmt(above('mosaic'), 0)} B/span`,
      baseline: `no-op ${fmt(bytes['no-op'] / 2 ** 20, 2)} MB; plain BSP +${fmt(above('plain BSP + OTLP JSON'), 0)} B/span`,
      vs: '',
      budget: '',
      verdict: '',
    },
  ]);
}

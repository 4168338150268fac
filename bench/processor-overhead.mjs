// (a) Cost of the Mosaic processor's onStart+onEnd on ordinary (non-task) spans, against a no-op
// processor in the same run: outside any task (budget +20 ns) and inside a live task, where each
// span is tracked by its id and folded at its end (budget +150 ns). Span creation (~2.4 us) would
// drown a ~10 ns difference, so the processor methods are called directly on pre-created real SDK
// spans, many times, in interleaved repetitions, timed by the process's CPU time.
import { createServer } from 'node:http';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { importExporter } from './lib/paths.mjs';
import {
  benchConfig,
  endedSpans,
  ORDINARY_ATTRIBUTES,
  startedSpans,
  TASK_ATTRIBUTES,
} from './lib/spans.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

/** Budgets over the no-op processor: a span outside any task, and one inside a live task. */
const OUTSIDE_BUDGET_NS = 20;
const INSIDE_BUDGET_NS = 150;
const SPANS = 1024;
const ROUNDS = Number(process.env.BENCH_PROCESSOR_ROUNDS ?? 1000);
const REPS = Number(process.env.BENCH_PROCESSOR_REPS ?? 21);

/** What the SDK's own NoopSpanProcessor does. */
class NoopProcessor {
  onStart(_span, _context) {}
  onEnd(_span) {}
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

// Each variant gets its own compiled loop (new Function), so no variant's call site is made
// polymorphic by another's processor class.
const makeLoop = () =>
  new Function(
    'p',
    'starts',
    'ends',
    'ctx',
    'rounds',
    `for (let r = 0; r < rounds; r++) {
       for (let i = 0; i < starts.length; i++) { p.onStart(starts[i], ctx); p.onEnd(ends[i]); }
     }`,
  );

async function main() {
  const { createMosaicSpanProcessor } = await importExporter();
  let requests = 0;
  const sink = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${sink.address().port}`;
  const config = benchConfig(url);

  const started = startedSpans(SPANS, ORDINARY_ATTRIBUTES);
  const ended = endedSpans(SPANS, ORDINARY_ATTRIBUTES);
  // Ordinary spans with an (untracked) parent, e.g. under an HTTP server span.
  const outsideParent = startedSpans(1, ORDINARY_ATTRIBUTES)[0];
  const nested = endedSpans(SPANS, ORDINARY_ATTRIBUTES, outsideParent);

  const idle = createMosaicSpanProcessor(config);
  // A live task: a task span started (through the processor) and not ended while the loop runs.
  const withTask = createMosaicSpanProcessor(config);
  const task = startedSpans(1, TASK_ATTRIBUTES)[0];
  withTask.onStart(task, ROOT_CONTEXT);
  const inTask = createMosaicSpanProcessor(config);
  const task2 = startedSpans(1, TASK_ATTRIBUTES)[0];
  inTask.onStart(task2, ROOT_CONTEXT);
  // Ordinary spans beneath the live task: each is tracked at start and forgotten at end, so the
  // same (real, ended) span object goes to onStart and onEnd.
  const children = endedSpans(SPANS, ORDINARY_ATTRIBUTES, task2);
  const taskCtx = trace.setSpan(ROOT_CONTEXT, task2);

  const variants = [
    {
      name: 'no-op processor',
      p: new NoopProcessor(),
      starts: started,
      ends: ended,
      ctx: ROOT_CONTEXT,
    },
    {
      name: 'mosaic, no live task',
      p: idle,
      starts: started,
      ends: ended,
      ctx: ROOT_CONTEXT,
      budget: OUTSIDE_BUDGET_NS,
    },
    {
      name: 'mosaic, live task, span outside it',
      p: withTask,
      starts: started,
      ends: ended,
      ctx: ROOT_CONTEXT,
      budget: OUTSIDE_BUDGET_NS,
    },
    {
      name: 'mosaic, live task, nested span outside it',
      p: withTask,
      starts: nested,
      ends: nested,
      ctx: trace.setSpan(ROOT_CONTEXT, outsideParent),
      budget: OUTSIDE_BUDGET_NS,
    },
    {
      name: 'mosaic, live task, span inside it',
      p: inTask,
      starts: children,
      ends: children,
      ctx: taskCtx,
      budget: INSIDE_BUDGET_NS,
    },
  ];
  for (const v of variants) {
    v.loop = makeLoop();
    v.samples = [];
    v.loop(v.p, v.starts, v.ends, v.ctx, 200); // warm-up: let the JIT settle
  }
  for (let rep = 0; rep < REPS; rep++) {
    // Rotate the order so no variant always runs first (or right after a GC).
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(rep + k) % variants.length];
      // CPU time of this process (all its threads, GC included), not wall time: on a shared
      // machine the wall clock also counts the time other processes held the CPU.
      const cpu = process.cpuUsage();
      v.loop(v.p, v.starts, v.ends, v.ctx, ROUNDS);
      const { user, system } = process.cpuUsage(cpu);
      v.samples.push(((user + system) * 1000) / (ROUNDS * v.starts.length));
    }
  }
  if (inTask.trackedSpanCount !== undefined && inTask.trackedSpanCount !== 1) {
    throw new Error(`tracker leaked: ${inTask.trackedSpanCount} live spans, expected 1 (the task)`);
  }

  const noop = median(variants[0].samples);
  const rows = [];
  const summary = [];
  for (const v of variants) {
    const ns = median(v.samples);
    const diff = ns - noop;
    const verdict = v.budget ? (diff <= v.budget ? 'PASS' : 'MISS') : '';
    rows.push([
      v.name,
      fmt(ns, 1),
      fmt(Math.min(...v.samples), 1),
      v === variants[0] ? '' : `${diff >= 0 ? '+' : ''}${fmt(diff, 1)}`,
      v.budget ? `<= +${v.budget}` : '',
      verdict,
    ]);
    if (v.budget) {
      summary.push({
        bench: 'a processor',
        metric: `onStart+onEnd, ${v.name.replace('mosaic, ', '')}`,
        value: `${fmt(ns, 1)} ns`,
        baseline: `no-op ${fmt(noop, 1)} ns`,
        vs: `${diff >= 0 ? '+' : ''}${fmt(diff, 1)} ns`,
        budget: `<= +${v.budget} ns`,
        verdict,
      });
    }
  }
  console.log(
    `\n(a) processor onStart+onEnd on non-task spans, outside and inside a live task: ${SPANS} real SDK spans x ${ROUNDS} rounds, ${REPS} interleaved reps (median; min shown too)\n`,
  );
  printTable(['variant', 'ns/op', 'min', 'vs no-op', 'budget', ''], rows);
  for (const p of [idle, withTask, inTask]) await p.shutdown();
  await new Promise((resolve) => sink.close(resolve));
  if (requests !== 0) throw new Error(`the processor sent ${requests} requests for non-task spans`);
  reportSummary(summary);
}

await main();

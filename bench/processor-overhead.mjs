// (a) What the Mosaic processor adds to a span, measured where the budget names it: distinct spans
// created and ended through a real tracer provider (no replay), with the no-op processor and the
// SDK's BatchSpanProcessor + OTLP/HTTP JSON exporter (plain BSP) as same-run baselines. Rows:
// ordinary spans outside any task (budget +20 ns), also as children of a request span with the
// processor's `autoTasks` on (same budget), non-LLM spans inside a live task and model-call spans
// inside a live task in three dialects, the AI SDK's also as version 5 makes them on Anthropic,
// with the cache counts in provider metadata JSON (budget +150 ns each). Each repetition starts a
// task, creates its children and ends it, so folding at the task's end is in the per-span figure.
// Then a whole task (agent span + 3 model calls, export included, to a loopback sink in another
// process): CPU per task against plain BSP's on the same spans (budget: below it). The per-span
// rows also run a floor processor (bench/lib/floor-processor.mjs: the least any tracker that folds
// usage into tasks does, with none of the checks that make it correct) to show how much of the cost
// is tracking and reading at all, and how much is Mosaic's correctness. A second no-op processor
// runs beside the first in every per-span row (an A/A control): its difference to the first is what
// this machine's noise alone shows, and the ratios to the no-op are printed too. Each repetition
// runs the cases in a fresh shuffled order, each sample after an untimed young-generation
// collection: a case no longer inherits the collection its neighbour's garbage made due (with a
// fixed rotation the case after plain BSP's export paid for it every time).

import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './lib/child.mjs';
import { FloorProcessor } from './lib/floor-processor.mjs';
import { importExporter } from './lib/paths.mjs';
import { benchConfig, ORDINARY_ATTRIBUTES, TASK_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

const OUTSIDE_BUDGET_NS = 20;
const INSIDE_BUDGET_NS = 150;
/** Child spans per task in the per-span rows (and ordinary spans per repetition). */
const SPANS = Number(process.env.BENCH_PROCESSOR_SPANS ?? 1000);
/**
 * Tasks per repetition (ordinary spans: `SPANS` times this many): a sample of a few thousand
 * spans holds a few young-generation collections, not zero or one, so one collection more or
 * less does not decide a sample.
 */
const TASKS_PER_REP = Number(process.env.BENCH_PROCESSOR_TASKS_PER_REP ?? 4);
/** Spans timed per sample. */
const PER_SAMPLE = SPANS * TASKS_PER_REP;
const REPS = Number(process.env.BENCH_PROCESSOR_REPS ?? 31);
/** Tasks per round of the per-task row, and rounds. */
const TASKS = Number(process.env.BENCH_TASK_TASKS ?? 2000);
const TASK_ROUNDS = Number(process.env.BENCH_TASK_ROUNDS ?? 9);
/**
 * Only the per-span rows whose span kind matches this (a regular expression), for a quick look at
 * one row while working on it; `BENCH_TASK_ROUNDS=0` skips the per-task row.
 */
const ROWS = new RegExp(process.env.BENCH_PROCESSOR_ROWS ?? '');

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

/** Counts that differ call to call, as real calls' do. */
const tokens = (i) => ({ input: 1000 + ((i * 7919) % 5000), output: 50 + ((i * 104_729) % 900) });

/**
 * Tools the tool spans call, each span named after its tool as instrumentations name them
 * (`execute_tool {gen_ai.tool.name}`, built per span): past 12 characters V8 keeps such a name
 * as a string of parts, which a processor that reads its characters copies first.
 */
const TOOLS = ['read_file', 'edit_file'];

/** Span kinds: a name, attributes at start, attributes set just before end (as instrumentations do). */
const KINDS = {
  ordinary: { name: () => 'GET /api/items', start: () => ORDINARY_ATTRIBUTES, end: () => null },
  // With `autoTasks` on, every span is asked whether it is an agent root that starts a task. As
  // most spans of a service are: children of a request span, none of them in a task.
  'ordinary child': {
    row: 'ordinary child span, autoTasks on, no task',
    name: () => 'GET /api/items',
    start: () => ORDINARY_ATTRIBUTES,
    end: () => null,
    autoTasks: true,
    underRequest: true,
  },
  'non-LLM (tool call)': {
    name: (i) => `execute_tool ${TOOLS[i & 1]}`,
    start: (i) => ({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': TOOLS[i & 1],
      'gen_ai.tool.call.id': 'call_1',
    }),
    end: () => null,
  },
  'model call, OTel gen_ai.* chat': {
    name: () => 'chat gpt-4o',
    start: () => ({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'server.address': 'api.openai.com',
    }),
    end: (i) => {
      const t = tokens(i);
      return {
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.id': `chatcmpl-${i}`,
        'gen_ai.usage.input_tokens': t.input,
        'gen_ai.usage.output_tokens': t.output,
      };
    },
  },
  'model call, AI SDK doGenerate': {
    name: () => 'ai.generateText.doGenerate',
    start: () => ({
      'operation.name': 'ai.generateText.doGenerate',
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o',
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o',
    }),
    end: (i) => {
      const t = tokens(i);
      return {
        'ai.response.finishReason': 'stop',
        'ai.usage.inputTokens': t.input,
        'ai.usage.outputTokens': t.output,
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': t.input,
        'gen_ai.usage.output_tokens': t.output,
      };
    },
  },
  // As the AI SDK 5 makes them with its Anthropic provider: input without the cache, whose reads
  // and writes are in the provider's metadata, JSON serialised afresh per call.
  'model call, AI SDK 5 on Anthropic': {
    name: () => 'ai.generateText.doGenerate',
    start: () => ({
      'operation.name': 'ai.generateText.doGenerate',
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4-5',
      'gen_ai.system': 'anthropic.messages',
      'gen_ai.request.model': 'claude-sonnet-4-5',
    }),
    end: (i) => {
      const t = tokens(i);
      const read = t.input * 4;
      const write = t.output * 2;
      return {
        'ai.response.finishReason': 'stop',
        'ai.usage.inputTokens': t.input,
        'ai.usage.outputTokens': t.output,
        'ai.usage.cachedInputTokens': read,
        'ai.response.providerMetadata': JSON.stringify({
          anthropic: {
            usage: {
              input_tokens: t.input,
              cache_creation_input_tokens: write,
              cache_read_input_tokens: read,
              cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
              output_tokens: t.output,
              service_tier: 'standard',
            },
            cacheCreationInputTokens: write,
            stopSequence: null,
            container: null,
          },
        }),
        'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
        'gen_ai.usage.input_tokens': t.input,
        'gen_ai.usage.output_tokens': t.output,
      };
    },
  },
  // As OpenInference's OpenAI instrumentation (4.x) makes them: the request model as
  // `llm.model_name` at the start, overwritten with the response model at the end.
  'model call, OpenInference LLM': {
    name: () => 'OpenAI Chat Completions',
    start: () => ({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      // Serialised afresh per call, as OpenInference's instrumentations do.
      'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', temperature: 0 }),
    }),
    end: (i) => {
      const t = tokens(i);
      return {
        'llm.model_name': 'gpt-4o-2024-08-06',
        'llm.token_count.prompt': t.input,
        'llm.token_count.completion': t.output,
        'llm.token_count.total': t.input + t.output,
      };
    },
  },
};

/** Creates and ends `n` distinct spans of `kind`, children of `ctx`. */
function spans(tracer, kind, n, ctx, offset) {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(kind.name(i), { attributes: kind.start(i) }, ctx);
    const late = kind.end(offset + i);
    if (late !== null) span.setAttributes(late);
    span.end();
  }
}

/**
 * One repetition: `PER_SAMPLE` spans of `kind`; when `inTask` (or `kind.underRequest`),
 * `TASKS_PER_REP` task spans (or request spans) each started, given `SPANS` of them, and ended.
 */
function rep(tracer, kind, inTask, offset) {
  if (!inTask && !kind.underRequest) return spans(tracer, kind, PER_SAMPLE, ROOT_CONTEXT, offset);
  const [name, attributes] = inTask ? ['task', TASK_ATTRIBUTES] : ['GET /api', ORDINARY_ATTRIBUTES];
  for (let t = 0; t < TASKS_PER_REP; t++) {
    const parent = tracer.startSpan(name, { attributes }, ROOT_CONTEXT);
    spans(tracer, kind, SPANS, trace.setSpan(ROOT_CONTEXT, parent), offset + t * SPANS);
    parent.end();
  }
}

/** One task as an agent framework makes it: an agent span that is the task, 3 model calls. */
function agentTask(tracer, i) {
  const task = tracer.startSpan(
    'invoke_agent coder',
    {
      attributes: {
        ...TASK_ATTRIBUTES,
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'coder',
      },
    },
    ROOT_CONTEXT,
  );
  const ctx = trace.setSpan(ROOT_CONTEXT, task);
  spans(tracer, KINDS['model call, OTel gen_ai.* chat'], 3, ctx, i * 3);
  task.end();
}

/** Rows whose spans ran inside a task (each repetition of those adds `TASKS_PER_REP` task spans). */
const rowsInTaskOf = (byRow) => [...byRow.values()].filter(([c]) => c.inTask).length;
/** Rows whose spans ran under a request span (each repetition adds `TASKS_PER_REP` of those). */
const rowsUnderRequestOf = (byRow) =>
  [...byRow.values()].filter(([c]) => c.kind.underRequest === true).length;

const signed = (x, digits = 1) => `${x >= 0 ? '+' : ''}${fmt(x, digits)}`;

/** The engine's `gc`, for young-generation collections between samples (untimed). */
const gc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();
const minorGc = () => gc({ type: 'minor' });

/** `items` in an order fixed by `seed` (a Fisher-Yates shuffle driven by a small LCG). */
function shuffled(items, seed) {
  const out = [...items];
  let x = (seed + 1) * 2_654_435_761;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The A/A control of the per-span rows: a second no-op processor. */
const CONTROL = 'no-op (A/A control)';
/** The floor of the per-span rows. */
const FLOOR = 'floor (least tracking)';

async function main() {
  const { createMosaicSpanProcessor } = await importExporter();
  // Other builds of the exporter (e.g. the previous commit's dist, scratch builds that each leave
  // out one part), comma-separated, run side by side as more processors: before/after figures
  // from one run, under one machine load. Each prints its own line under the table.
  const compared = [];
  for (const path of (process.env.BENCH_COMPARE_EXPORTER ?? '').split(',').filter(Boolean)) {
    const { createMosaicSpanProcessor: create } = await import(pathToFileURL(path).href);
    compared.push({ path, create });
  }
  const sink = forkHelper('./sink-server.mjs', 'listening');
  const { port } = await sink.ready;
  const url = `http://127.0.0.1:${port}`;

  // Queues that hold a whole repetition or round: neither pipeline drops a span to save work.
  // `batch`: the plain BSP's batch size; one repetition's spans are one batch, exported at its
  // flush (untimed), so the per-span rows time its onStart+onEnd alone, as they do ours.
  const plainBsp = (queue, batch) =>
    new BatchSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }), {
      maxQueueSize: queue,
      maxExportBatchSize: batch,
    });
  // `autoTasks`: the Mosaic processors' option (a row's spans may want it on).
  const makeProcessors = (queue, batch, autoTasks = false) => [
    { name: 'no-op', processor: new NoopProcessor() },
    { name: 'plain BSP + OTLP JSON', processor: plainBsp(queue, batch) },
    {
      name: 'mosaic',
      processor: createMosaicSpanProcessor(benchConfig(url, { maxQueueSize: queue, autoTasks })),
    },
    ...compared.map(({ path, create }) => ({
      name: `mosaic (${path})`,
      processor: create(benchConfig(url, { maxQueueSize: queue, autoTasks })),
    })),
  ];

  // Per-span rows: every (span kind, processor) pair gets its own provider and tracer.
  const cases = [];
  for (const [kindName, kind] of Object.entries(KINDS)) {
    for (const inTask of [false, true]) {
      if (kindName.startsWith('ordinary') ? inTask : !inTask) continue;
      if (!ROWS.test(kindName)) continue;
      const processors = [
        ...makeProcessors(2 * PER_SAMPLE, 2 * PER_SAMPLE, kind.autoTasks === true),
        { name: CONTROL, processor: new NoopProcessor() },
        { name: FLOOR, processor: new FloorProcessor() },
      ];
      for (const { name, processor } of processors) {
        const provider = new BasicTracerProvider({ spanProcessors: [processor] });
        cases.push({
          row: inTask
            ? `${kindName}, inside a live task`
            : (kind.row ?? `${kindName} span, no task`),
          budget: inTask ? INSIDE_BUDGET_NS : OUTSIDE_BUDGET_NS,
          processorName: name,
          provider,
          tracer: provider.getTracer('bench'),
          kind,
          inTask,
          samples: [],
        });
      }
    }
  }
  // Call numbers: every span of the run gets counts of its own.
  let numbered = 0;
  const next = (n) => {
    numbered += n;
    return numbered;
  };
  for (const c of cases) rep(c.tracer, c.kind, c.inTask, next(PER_SAMPLE)); // warm-up
  for (const c of cases) await c.provider.forceFlush();
  for (let r = 0; r < REPS; r++) {
    // A fresh order each repetition, so no case always runs first or after the same neighbour.
    for (const c of shuffled(cases, r)) {
      // CPU time of this process (all its threads, GC included), not wall time: on a shared
      // machine the wall clock also counts the time other processes held the CPU.
      const cpu = process.cpuUsage();
      rep(c.tracer, c.kind, c.inTask, next(PER_SAMPLE));
      const { user, system } = process.cpuUsage(cpu);
      c.samples.push(((user + system) * 1000) / PER_SAMPLE);
      // The baselines' exports (and ours) happen here, untimed: these rows are the span's own cost.
      await c.provider.forceFlush();
      // And a young-generation collection, untimed, so each sample starts from an empty one.
      minorGc();
    }
  }

  const rows = [];
  const summary = [];
  /** One line per compared build and row: its overhead, and its difference to this build. */
  const comparedLines = [];
  const byRow = new Map();
  for (const c of cases) byRow.set(c.row, [...(byRow.get(c.row) ?? []), c]);
  for (const [row, group] of byRow) {
    const control = group.find((c) => c.processorName === CONTROL);
    const floor = group.find((c) => c.processorName === FLOOR);
    const [noop, bsp, ours, ...others] = group.filter((c) => c !== control && c !== floor);
    // Each repetition ran them back to back under the same load: median of per-rep differences.
    const diffTo = (c) => median(c.samples.map((s, i) => s - noop.samples[i]));
    const ratioTo = (c) => median(c.samples.map((s, i) => s / noop.samples[i]));
    const diff = diffTo(ours);
    const bspDiff = diffTo(bsp);
    const noise = diffTo(control);
    const floorDiff = diffTo(floor);
    const verdict = diff <= ours.budget ? 'PASS' : 'MISS';
    rows.push([
      row,
      fmt(median(noop.samples), 0),
      `${signed(noise)} ns (${fmt(ratioTo(control), 3)}x)`,
      `${signed(bspDiff)} ns (${fmt(ratioTo(bsp), 3)}x)`,
      `${signed(floorDiff)} ns (${fmt(ratioTo(floor), 3)}x)`,
      `${signed(diff)} ns (${fmt(ratioTo(ours), 3)}x)`,
      `<= +${ours.budget} ns`,
      verdict,
    ]);
    for (const other of others) {
      const toOurs = median(other.samples.map((s, i) => s - ours.samples[i]));
      comparedLines.push(
        `  ${row}: ${other.processorName}: ${signed(diffTo(other))} ns (${fmt(ratioTo(other), 3)}x; ${signed(toOurs)} ns to mosaic)`,
      );
    }
    summary.push({
      bench: 'a processor',
      metric: `span created+ended, ${row}`,
      value: `${signed(diff)} ns (${fmt(ratioTo(ours), 3)}x no-op)`,
      baseline: `no-op ${fmt(median(noop.samples), 0)} ns (A/A ${signed(noise)}); plain BSP ${signed(bspDiff)} ns; floor ${signed(floorDiff)} ns`,
      vs: `${signed(diff - bspDiff)} ns vs plain BSP`,
      budget: `<= +${ours.budget} ns`,
      verdict,
    });
  }
  console.log(
    `\n(a) a span created and ended through a real provider: ${PER_SAMPLE} distinct spans per repetition (for the rows inside a task: under ${TASKS_PER_REP} tasks of ${SPANS}, each task started and ended in it), ${REPS} interleaved repetitions; median of per-repetition differences (and ratios) to the no-op processor; the A/A control is a second no-op processor; the floor is bench/lib/floor-processor.mjs (the least tracking, none of its correctness)\n`,
  );
  printTable(
    ['span', 'no-op ns/span', 'A/A control', 'plain BSP', 'floor', 'mosaic', 'budget', ''],
    rows,
  );
  if (comparedLines.length > 0) console.log(`\ncompared builds:\n${comparedLines.join('\n')}`);
  for (const c of cases) await c.provider.shutdown();
  /**
   * Checks that the sink received every span and event the rows made, `agentTasks` tasks of the
   * per-task row among them (each of its tasks: four OTLP spans and one event per build).
   */
  const verifySink = async (agentTasks) => {
    const stats = await sink.ask('stats');
    const expectedOtlpSpans =
      agentTasks * 4 +
      (REPS + 1) *
        (PER_SAMPLE * byRow.size +
          TASKS_PER_REP * (rowsInTaskOf(byRow) + rowsUnderRequestOf(byRow)));
    const builds = 1 + compared.length;
    const expectedEvents = builds * (agentTasks + (REPS + 1) * TASKS_PER_REP * rowsInTaskOf(byRow));
    // Every task span of a per-span row inside a task, and every task of the per-task rounds, is one event.
    if (stats.events !== expectedEvents || stats.otlpSpans !== expectedOtlpSpans) {
      throw new Error(
        `sink received ${stats.events} Mosaic events and ${stats.otlpSpans} OTLP spans, expected ${expectedEvents} and ${expectedOtlpSpans}`,
      );
    }
  };
  if (TASK_ROUNDS === 0) {
    await verifySink(0);
    await sink.close();
    reportSummary(summary);
    return;
  }

  // Per-task row: CPU of a round of tasks from the first span to the last export answered.
  // The plain BSP with its default batch of 512 spans, exporting as it goes.
  const taskCases = makeProcessors(4 * TASKS, 512).map(({ name, processor }) => {
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    return { name, provider, tracer: provider.getTracer('bench'), samples: [] };
  });
  const taskRound = async (c, first) => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < TASKS; i++) {
      agentTask(c.tracer, first + i);
      // Let the batch processors export as they would in a live app (a task takes seconds).
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    await c.provider.forceFlush();
    const { user, system } = process.cpuUsage(cpu);
    return (user + system) / TASKS;
  };
  for (const c of taskCases) await taskRound(c, next(TASKS)); // warm-up
  for (let r = 0; r < TASK_ROUNDS; r++) {
    for (let k = 0; k < taskCases.length; k++) {
      const c = taskCases[(r + k) % taskCases.length];
      minorGc(); // untimed: each round starts from an empty young generation
      c.samples.push(await taskRound(c, next(TASKS)));
    }
  }
  await verifySink((TASK_ROUNDS + 1) * TASKS);
  for (const c of taskCases) await c.provider.shutdown();
  await sink.close();
  const [noopTask, bspTask, oursTask] = taskCases;
  const ratio = median(oursTask.samples.map((s, i) => s / bspTask.samples[i]));
  const taskVerdict = ratio < 1 ? 'PASS' : 'MISS';
  const above = (c) => median(c.samples.map((s, i) => s - noopTask.samples[i]));
  console.log(
    `\n(a) a task (agent span + 3 model calls), export included (sink in another process): ${TASKS} tasks x ${TASK_ROUNDS} interleaved rounds, CPU of this process from the first span to the last answer (median)\n`,
  );
  printTable(
    ['processor', 'us/task', 'min', 'above no-op'],
    taskCases.map((c) => [
      c.name,
      fmt(median(c.samples), 2),
      fmt(Math.min(...c.samples), 2),
      c === noopTask ? '' : signed(above(c), 2),
    ]),
  );
  console.log(
    `\nmosaic / plain BSP = ${fmt(ratio, 2)}x per task, median of per-round ratios (budget < 1): ${taskVerdict}`,
  );
  summary.push({
    bench: 'a processor',
    metric: 'task (agent span + 3 model calls), export included',
    value: `${fmt(median(oursTask.samples), 2)} us (${signed(above(oursTask), 2)} over no-op)`,
    baseline: `plain BSP ${fmt(median(bspTask.samples), 2)} us (${signed(above(bspTask), 2)}); no-op ${fmt(median(noopTask.samples), 2)} us`,
    vs: `${fmt(ratio, 2)}x plain BSP`,
    budget: '< 1x plain BSP',
    verdict: taskVerdict,
  });
  reportSummary(summary);
}

await main();

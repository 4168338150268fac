// (g) Folding many model calls of equal counts in one trace, the case a sender controls (the
// bridge folds what it is sent): foldModelCalls on 100,000 calls, and the same spans through the
// processor, created and ended under one task through a real provider. Budget: O(n log n), read
// as time per call at 100k at most 4x that at 10k.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './lib/child.mjs';
import { importExporter, isBuilt } from './lib/paths.mjs';
import { benchConfig, TASK_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, printTable, reportSummary } from './lib/stats.mjs';

const CORE = new URL('../packages/exporter/dist/core.mjs', import.meta.url);
const N = Number(process.env.BENCH_FOLD_CALLS ?? 100_000);
const SMALL = N / 10;
const GROWTH_BUDGET = 4;
const TRACE = 'a'.repeat(32);

/** `n` calls of 7/3 tokens; `layers` take turns; each overlaps the next few. */
function calls(n, layers, models = ['gpt-4o']) {
  return Array.from({ length: n }, (_, i) => ({
    traceId: TRACE,
    spanId: i.toString(16).padStart(16, '0'),
    ancestorIds: [],
    layer: layers[i % layers.length],
    startTimeMs: i,
    endTimeMs: i + 3,
    inputTokens: 7,
    outputTokens: 3,
    model: models[i % models.length],
    provider: 'openai',
  }));
}

/** Milliseconds of CPU for `fn()` (best of 3). */
function cpuMs(fn) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

async function main() {
  if (!isBuilt(CORE)) throw new Error('packages/exporter/dist missing: run `pnpm build`');
  const { foldModelCalls } = await import(CORE.href);
  const cases = [
    ['one layer', ['sdk'], undefined],
    ['two layers, each call seen twice', ['framework', 'sdk'], undefined],
    ['two layers that never pair (models differ)', ['framework', 'sdk'], ['gpt-4o', 'claude-3']],
  ];
  const rows = [];
  const summary = [];
  for (const [name, layers, models] of cases) {
    const small = calls(SMALL, layers, models);
    const large = calls(N, layers, models);
    foldModelCalls(small); // warm-up
    const smallMs = cpuMs(() => foldModelCalls(small));
    const largeMs = cpuMs(() => foldModelCalls(large));
    const growth = largeMs / N / (smallMs / SMALL);
    const verdict = growth <= GROWTH_BUDGET ? 'PASS' : 'MISS';
    const counted = foldModelCalls(large).calls;
    rows.push([
      name,
      fmt(smallMs, 1),
      fmt(largeMs, 1),
      fmt((largeMs * 1e3) / N, 2),
      fmt(growth, 2),
      counted,
      verdict,
    ]);
    summary.push({
      bench: 'g fold',
      metric: `foldModelCalls, ${N} equal calls, ${name}`,
      value: `${fmt(largeMs, 1)} ms`,
      baseline: `${SMALL} calls ${fmt(smallMs, 1)} ms`,
      vs: `${fmt(growth, 2)}x per call`,
      budget: `<= ${GROWTH_BUDGET}x per call`,
      verdict,
    });
  }
  console.log(`\n(g) foldModelCalls on calls of equal counts in one trace (CPU, best of 3)\n`);
  printTable(
    ['calls', `${SMALL} ms`, `${N} ms`, 'us/call', 'per-call growth', 'counted', ''],
    rows,
  );

  // The same through the processor: N equal model-call spans under one live task.
  const { createMosaicSpanProcessor } = await importExporter();
  const sink = forkHelper('./sink-server.mjs', 'listening');
  const { port } = await sink.ready;
  const processor = createMosaicSpanProcessor(benchConfig(`http://127.0.0.1:${port}`));
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('bench');
  const before = process.cpuUsage();
  const task = tracer.startSpan('task', { attributes: TASK_ATTRIBUTES }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, task);
  for (let i = 0; i < N; i++) {
    const span = tracer.startSpan(
      'chat gpt-4o',
      { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } },
      ctx,
    );
    span.setAttributes({ 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3 });
    span.end();
  }
  task.end();
  await provider.forceFlush();
  const used = process.cpuUsage(before);
  const stats = await sink.ask('stats');
  await provider.shutdown();
  await sink.close();
  if (stats.events !== 1) throw new Error(`sink received ${stats.events} events, expected 1`);
  const perSpan = ((used.user + used.system) * 1000) / N;
  console.log(
    `\nthrough the processor: ${N} equal model-call spans under one task, created, ended and exported: ${fmt((used.user + used.system) / 1000, 0)} ms CPU, ${fmt(perSpan, 0)} ns per span (span creation included)`,
  );
  summary.push({
    bench: 'g fold',
    metric: `${N} equal model-call spans under one task, through the processor`,
    value: `${fmt(perSpan, 0)} ns/span`,
    baseline: 'span creation included',
    vs: '',
    budget: '',
    verdict: '',
  });
  reportSummary(summary);
}

await main();

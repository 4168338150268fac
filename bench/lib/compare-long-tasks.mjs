// Comparison aid (not in `pnpm bench`): tasks of many model calls, hundreds of them waiting for
// export at once (the default BatchSpanProcessor: batches of 512, a 5 s delay), as a busy agent
// service has them; this build against another one side by side in one process, interleaved.
// It shows what the per-span rows of bench (a) hide, as they export after every sample: the
// chunk pool running dry (see packages/exporter/src/usage/chunk-pool.ts).
// Usage: BENCH_COMPARE_EXPORTER=/path/to/other/dist/index.mjs node bench/lib/compare-long-tasks.mjs
//   K (calls per task, 1000), TASKS (per round, 600), ROUNDS (9).

import { pathToFileURL } from 'node:url';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './child.mjs';
import { EXPORTER_DIST } from './paths.mjs';
import { benchConfig, TASK_ATTRIBUTES } from './spans.mjs';
import { median } from './stats.mjs';

const K = Number(process.env.K ?? 1000);
const TASKS = Number(process.env.TASKS ?? 600);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const other = process.env.BENCH_COMPARE_EXPORTER;
if (other === undefined) throw new Error('set BENCH_COMPARE_EXPORTER to the other build');

const sink = forkHelper('./sink-server.mjs', 'listening');
const { port } = await sink.ready;
const cases = [];
for (const [name, url] of [
  ['this build', EXPORTER_DIST.href],
  [other, pathToFileURL(other).href],
]) {
  const { createMosaicSpanProcessor } = await import(url);
  const config = benchConfig(`http://127.0.0.1:${port}`, { maxQueueSize: 4096 });
  const provider = new BasicTracerProvider({ spanProcessors: [createMosaicSpanProcessor(config)] });
  cases.push({ name, provider, tracer: provider.getTracer('bench'), samples: [] });
}

let n = 0;
/** CPU per child span of a round of `TASKS` tasks, export included. */
async function round(c) {
  const cpu = process.cpuUsage();
  for (let t = 0; t < TASKS; t++) {
    const task = c.tracer.startSpan('task', { attributes: TASK_ATTRIBUTES }, ROOT_CONTEXT);
    const ctx = trace.setSpan(ROOT_CONTEXT, task);
    for (let i = 0; i < K; i++) {
      const attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
      };
      const span = c.tracer.startSpan('chat gpt-4o', { attributes }, ctx);
      span.setAttributes({
        'gen_ai.usage.input_tokens': 1000 + (n % 5000),
        'gen_ai.usage.output_tokens': 50 + (n++ % 900),
      });
      span.end();
    }
    task.end();
    // Let the batch processor export as it would in a live app.
    if (t % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  await c.provider.forceFlush();
  const { user, system } = process.cpuUsage(cpu);
  return ((user + system) * 1000) / (TASKS * K);
}

for (const c of cases) await round(c); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const c of r % 2 === 0 ? cases : [...cases].reverse()) c.samples.push(await round(c));
}
for (const c of cases) {
  console.log(
    `${c.name}: ${median(c.samples).toFixed(0)} ns CPU per model-call span, all included`,
  );
}
const [ours, theirs] = cases;
const diff = median(ours.samples.map((s, i) => s - theirs.samples[i]));
console.log(`this build - other: ${diff.toFixed(0)} ns per span (median of per-round differences)`);
for (const c of cases) await c.provider.shutdown();
await sink.close();

// The whole loop on one machine, no account: a local devserver, an agent that records task
// spans (some with child model calls, one failing), delivery, then predictions from that data.
// Run from the repository root: `pnpm demo` (builds the packages first); `pnpm demo --serve`
// keeps the devserver running afterwards so its web view can be opened, until Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDevServer } from '@mosaicstack/telemetry-devserver';
import {
  createMosaicSpanProcessor,
  MosaicPredictions,
  taskAttributes,
  withTask,
} from '@mosaicstack/telemetry-exporter';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const serve = process.argv.slice(2).includes('--serve');
const dir = mkdtempSync(join(tmpdir(), 'mosaic-demo-'));
const server = await startDevServer({ dbPath: join(dir, 'demo.db') });
console.log(`devserver listening on ${server.url} (db ${join(dir, 'demo.db')})\n`);

const config = {
  enabled: true,
  serverUrl: server.url,
  apiKey: server.apiKey,
  instanceId: server.instanceId,
  harness: 'claude_code',
};

// The host's OTel setup: one tracer provider with our processor (and whatever else it runs).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [createMosaicSpanProcessor(config)] });
trace.setGlobalTracerProvider(provider);
const tracer = trace.getTracer('demo-agent');

// A deterministic random source, so every run prints the same table.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const between = (lo, hi) => Math.round(lo + rand() * (hi - lo));

/** Prints rows as aligned columns (numbers right-aligned), narrower than console.table. */
function printTable(rows) {
  const heads = Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => heads.map((h) => String(row[h])));
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = heads.map((_, i) => cells.every((c) => /^(-|-?[\d.]+)$/.test(c[i])));
  const line = (values) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(`  ${line(heads)}`);
  for (const c of cells) console.log(`  ${line(c)}`);
}

/** What each fallback_level of a prediction means. */
const FALLBACK = {
  0: 'exact',
  1: 'any complexity',
  2: 'any model',
  3: 'type only',
  '-1': 'no data',
};

const WORK = [
  {
    taskType: 'implementation',
    complexity: 'medium',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    n: 12,
    tokens: [9000, 30000],
  },
  {
    taskType: 'debugging',
    complexity: 'high',
    model: 'gpt-4o',
    provider: 'openai',
    n: 8,
    tokens: [15000, 60000],
  },
  {
    taskType: 'code_review',
    complexity: 'low',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    n: 10,
    tokens: [4000, 12000],
  },
  {
    taskType: 'testing',
    complexity: 'medium',
    model: 'gemini-2.5-pro',
    provider: 'gcp.gemini',
    n: 6,
    tokens: [6000, 20000],
  },
];

/** One model call of the agent, as an auto-instrumented client would record it (OTel GenAI). */
async function modelCall(model, provider, inputTokens) {
  const span = tracer.startSpan(`chat ${model}`, {
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.prompt': 'never leaves the process: not on the allowlist',
    },
  });
  await sleep(between(2, 8));
  span.setAttributes({
    'gen_ai.usage.input_tokens': inputTokens,
    'gen_ai.usage.output_tokens': Math.round(inputTokens * (0.1 + rand() * 0.2)),
  });
  span.end();
}

let recorded = 0;
let failed = 0;
for (const work of WORK) {
  for (let i = 0; i < work.n; i++) {
    const withChildren = i % 3 !== 0;
    const attributes = taskAttributes({
      taskType: work.taskType,
      complexity: work.complexity,
      language: 'typescript',
      qualityGatesRun: ['build', 'lint', 'test'],
      qualityGatesFailed: i % 4 === 1 ? ['lint'] : [],
      qualityPassed: i % 4 !== 1,
      actualCostUsdMicros: between(20_000, 400_000),
      // Tasks without child spans report their model and usage on the task span itself.
      ...(withChildren
        ? {}
        : {
            model: work.model,
            provider: work.provider,
            inputTokens: between(...work.tokens),
            outputTokens: between(work.tokens[0] / 10, work.tokens[1] / 10),
          }),
    });
    const shouldFail = work.taskType === 'debugging' && i === 3;
    try {
      await withTask(attributes, async () => {
        if (withChildren) {
          const calls = between(1, 3);
          for (let c = 0; c < calls; c++) {
            await modelCall(work.model, work.provider, Math.round(between(...work.tokens) / calls));
          }
        } else {
          await sleep(between(3, 10));
        }
        if (shouldFail) throw new Error('tests still red after 3 attempts');
      });
    } catch (error) {
      failed++;
      console.log(`task ${recorded + 1} (${work.taskType}) failed as scripted: ${error.message}`);
    }
    recorded++;
  }
}

await provider.forceFlush();
const events = server.listEvents();
console.log(
  `\nrecorded ${recorded} task spans (${failed} failing); the devserver accepted ${events.length} events`,
);
console.log('\nlast five events as stored:');
printTable(
  events.slice(-5).map((e) => ({
    task_type: e.task_type,
    model: e.model,
    provider: e.provider,
    input: e.actual_input_tokens,
    output: e.actual_output_tokens,
    ms: e.task_duration_ms,
    gates_failed: e.quality_gates_failed.join(',') || '-',
    outcome: e.outcome,
  })),
);
const failures = events
  .filter((e) => e.outcome === 'failure')
  .map((e) => `${e.task_type}/${e.model}`);
console.log(`failed tasks as stored: ${failures.join(', ') || 'none'}`);

// Predictions for what was recorded, plus one combination never seen (falls back).
const predictions = new MosaicPredictions(config);
const queries = [
  ...WORK.map((w) => ({
    task_type: w.taskType,
    model: w.model,
    provider: w.provider === 'gcp.gemini' ? 'google' : w.provider,
    complexity: w.complexity,
  })),
  {
    task_type: 'implementation',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    complexity: 'critical',
  },
  { task_type: 'documentation', model: 'gpt-4o', provider: 'openai', complexity: 'low' },
];
await predictions.refresh(queries);
console.log(
  '\npredictions from the recorded data. fallback = which stored tasks answered the query:',
);
console.log(
  '  exact = same task type, model, provider and complexity; any complexity / any model / type only =',
);
console.log(
  '  those dimensions were dropped to find data (fewer, less similar tasks); no data = none at all',
);
printTable(
  queries.map((q) => {
    const answer = predictions.get(q);
    const p = answer?.prediction;
    return {
      task_type: q.task_type,
      model: q.model,
      complexity: q.complexity,
      tasks: answer?.metadata.sample_size ?? 0,
      'in p50': p?.input_tokens.median ?? '-',
      'in p90': p?.input_tokens.p90 ?? '-',
      'out p50': p?.output_tokens.median ?? '-',
      '$ p50': p ? (p.cost_usd_micros.median / 1e6).toFixed(3) : '-',
      confidence: answer?.metadata.confidence ?? 'n/a',
      fallback: FALLBACK[answer?.metadata.fallback_level] ?? 'n/a',
    };
  }),
);

await predictions.shutdown();
await provider.shutdown();

const stop = async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
};
if (serve) {
  console.log(`\nweb view of these tasks: ${server.webUrl}  (serving until Ctrl-C)`);
  // Ctrl-C under `pnpm demo` delivers SIGINT twice (the terminal's, then pnpm's relay): the
  // first stops, a repeat while stopping is ignored, so the run ends with exit code 0.
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
} else {
  console.log(
    `\nweb view: ${server.webUrl} (this run stops now; \`pnpm demo --serve\` keeps it open)`,
  );
  await stop();
}

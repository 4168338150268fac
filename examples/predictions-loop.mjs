// The estimate-vs-actual loop: read predictions at start-up, pre-fill each task's estimates from
// the cached medians, run the tasks (one fails), and see estimates and actuals side by side in the
// stored events. Runs against a local devserver; no account needed.
// Run from the repository root after `pnpm build`: `node examples/predictions-loop.mjs`.

import { startDevServer } from '@mosaicstack/telemetry-devserver';
import {
  createMosaicSpanProcessor,
  MosaicPredictions,
  taskAttributes,
  withTask,
} from '@mosaicstack/telemetry-exporter';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const server = await startDevServer();
console.log(`devserver listening on ${server.url}\n`);

const config = {
  enabled: true,
  serverUrl: server.url,
  apiKey: server.apiKey,
  instanceId: server.instanceId,
  harness: 'claude_code',
};

// withTask makes its span the active one, which needs a context manager.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [createMosaicSpanProcessor(config)] });
const tracer = provider.getTracer('predictions-loop');

const task = {
  taskType: 'implementation',
  complexity: 'high',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
};

// 1. History: earlier tasks of the same kind, as another run of this app would have reported them.
const history = [9_000, 12_000, 10_500, 15_000, 11_000, 13_500, 9_500];
for (const [i, inputTokens] of history.entries()) {
  withTask(
    taskAttributes({
      ...task,
      inputTokens,
      outputTokens: Math.round(inputTokens / 8),
      actualCostUsdMicros: inputTokens * 5,
      qualityPassed: i % 3 !== 0,
    }),
    () => {},
    { tracer },
  );
}
await provider.forceFlush();
console.log(`stored ${server.countEvents()} earlier tasks`);

// 2. Start-up: refresh the predictions this app will ask for (one request per 50 queries).
const predictions = new MosaicPredictions(config);
const query = {
  task_type: task.taskType,
  model: task.model,
  provider: task.provider,
  complexity: task.complexity,
};
await predictions.refresh([query]);
const answer = predictions.get(query);
console.log(
  `prediction: input median ${answer?.prediction?.input_tokens.median}, output median ` +
    `${answer?.prediction?.output_tokens.median}, cost median ${answer?.prediction?.cost_usd_micros.median} ` +
    `micro-USD (confidence ${answer?.metadata.confidence}, fallback level ${answer?.metadata.fallback_level}, ` +
    `${answer?.metadata.sample_size} samples)\n`,
);

// 3. Three tasks: withTask pre-fills the estimates from the cached medians; the second one throws.
const runs = [
  { name: 'add pagination', inputTokens: 11_800, fail: false },
  { name: 'migrate schema', inputTokens: 16_400, fail: true },
  { name: 'fix flaky test', inputTokens: 8_900, fail: false },
];
for (const run of runs) {
  try {
    await withTask(
      taskAttributes({ ...task, inputTokens: run.inputTokens, outputTokens: run.inputTokens / 10 }),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (run.fail) throw new Error('tests still red');
      },
      { tracer, name: run.name, predictions, prefillEstimates: true },
    );
  } catch (error) {
    console.log(`task "${run.name}" failed: ${error.message} (rethrown by withTask)`);
  }
}
await provider.forceFlush();

// 4. What the server stored for the three tasks: estimates next to actuals, and the outcome.
console.log('\nstored events of the three tasks:');
console.table(
  server
    .listEvents()
    .slice(history.length)
    .map((e) => ({
      outcome: e.outcome,
      'estimated input': e.estimated_input_tokens,
      'actual input': e.actual_input_tokens,
      'estimated output': e.estimated_output_tokens,
      'actual output': e.actual_output_tokens,
      'estimated cost (micro-USD)': e.estimated_cost_usd_micros,
      'duration ms': e.task_duration_ms,
    })),
);

await predictions.shutdown();
await provider.shutdown();
await server.close();

import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { ChatOpenAI } from '@langchain/openai';
import { metrics } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import {
  type EndedSpans,
  importDependencyOf,
  runTask,
  startFrameworkHarness,
  taskName,
  useContextManager,
} from './framework-harness.js';

// LangChain JS with its default background callbacks, traced by OpenInference's LangChain
// instrumentation, and the openai client it calls traced by @opentelemetry/instrumentation-openai,
// against the loopback fake. Under Promise.all, LangChain's tracer can parent one task's LLM runs
// in the other task's trace, while the openai SDK's spans of the same calls stay in the right one:
// each call must still count once, in the task its SDK span ran in.

process.env.LANGCHAIN_TRACING_V2 = 'false';
process.env.LANGSMITH_TRACING = 'false';
process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'true';

const langchain = new LangChainInstrumentation();
langchain.manuallyInstrument(CallbackManagerModule);
const openaiInstrumentation = new OpenAIInstrumentation();
// 0.21.0 declares its histogram fields as class fields, which reset the instruments its base
// constructor made: make them again.
openaiInstrumentation.setMeterProvider(metrics.getMeterProvider());
let unpatch: (() => void) | undefined;

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
});
afterEach(async () => {
  unpatch?.();
  unpatch = undefined;
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  langchain.disable();
  teardown();
  await fake.close();
});

type OpenAIModule = { OpenAI: unknown };

async function start() {
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  langchain.setTracerProvider(run.harness.provider);
  openaiInstrumentation.setTracerProvider(run.harness.provider);
  // The ES module copy of `openai` that @langchain/openai itself imports, patched through the
  // instrumentation's own module definition (no require hook reaches an ES module here).
  const openai = await importDependencyOf<OpenAIModule>('@langchain/openai', 'openai');
  const [definition] = openaiInstrumentation.getModuleDefinitions();
  const exports = { OpenAI: openai.OpenAI };
  definition?.patch?.(exports);
  unpatch = () => definition?.unpatch?.(exports);
  const model = () =>
    new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      configuration: { baseURL: `${fake.url}/v1` },
      maxRetries: 0,
    });
  return { ...run, model };
}

/** A prompt | model | parser chain, invoked three times. */
async function chain(model: ChatOpenAI, prompt: string) {
  const c = ChatPromptTemplate.fromMessages([['user', '{question}']])
    .pipe(model)
    .pipe(new StringOutputParser());
  for (let i = 0; i < 3; i++) await c.invoke({ question: `${prompt} (${i})` });
}

const inputTokens = (span: ReadableSpan): unknown =>
  span.attributes['llm.token_count.prompt'] ?? span.attributes['gen_ai.usage.input_tokens'];

/** LLM spans of the LangChain layer that sit in another trace than the SDK span of their call. */
function crossedRuns(ended: EndedSpans): number {
  const sdk = ended.spans.filter(
    (s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-openai',
  );
  return ended.spans.filter(
    (s) =>
      s.attributes['openinference.span.kind'] === 'LLM' &&
      sdk.some(
        (t) =>
          inputTokens(t) === inputTokens(s) && t.spanContext().traceId !== s.spanContext().traceId,
      ),
  ).length;
}

describe('LangChain background callbacks with the openai SDK instrumented too', () => {
  it('counts each call once across two concurrent tasks, in the task of its SDK span', async () => {
    // The crossing depends on how LangChain's queue interleaves the two tasks: repeat until it
    // happened at least once (it does within the first runs), checking every run.
    let crossed = 0;
    for (let run = 0; run < 5 && crossed === 0; run++) {
      const { harness: h, ended, tracer, model } = await start();
      await Promise.all([
        runTask(tracer, 'active', 0, (prompt) => chain(model(), prompt)),
        runTask(tracer, 'explicit', 1, (prompt) => chain(model(), prompt)),
      ]);
      // Background callbacks end LangChain's spans after the calls return: wait for all 12.
      await waitFor(() => countLlmSpans(ended) === 12);
      const events = await h.flushEvents();
      const truth = [0, 1].map((i) => fake.answered(taskName(i)));
      const got = [0, 1].map((i) => events.find((e) => e.task_type === taskName(i)));
      expect(truth.map((t) => t.calls)).toEqual([3, 3]);
      // Each task: exactly the calls its SDK spans made, whichever trace LangChain put its runs in.
      for (const i of [0, 1]) {
        expect({
          input: got[i]?.actual_input_tokens,
          output: got[i]?.actual_output_tokens,
        }).toEqual({ input: truth[i]?.input, output: truth[i]?.output });
      }
      crossed += crossedRuns(ended);
      await h.close();
      harness = undefined;
      unpatch?.();
      unpatch = undefined;
      fake.reset();
    }
    expect(crossed, 'LangChain never put a run in the other task trace').toBeGreaterThan(0);
  });
});

function countLlmSpans(ended: EndedSpans): number {
  return ended.spans.filter((s) => inputTokens(s) !== undefined).length;
}

async function waitFor(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the spans');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

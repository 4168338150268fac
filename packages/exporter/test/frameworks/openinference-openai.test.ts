import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as openaiModule from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import {
  expectedCostMicros,
  expectTaskEvent,
  runTask,
  standardCases,
  startFrameworkHarness,
  taskName,
  useContextManager,
} from './framework-harness.js';

// The openai SDK (v6) traced by OpenInference's openai instrumentation (`LLM` spans with
// `llm.token_count.*`), Chat Completions and Responses, against the loopback fake.

const instrumentation = new OpenAIInstrumentation();
instrumentation.manuallyInstrument(openaiModule as never);

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
});
afterAll(async () => {
  await harness?.close();
  instrumentation.disable();
  teardown();
  await fake.close();
});

async function start() {
  await harness?.close();
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  instrumentation.setTracerProvider(run.harness.provider);
  return run;
}

const client = () =>
  new openaiModule.OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });

/** A chat completion, a response, and a streamed response. */
async function work(prompt: string) {
  const c = client();
  await c.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: prompt }],
  });
  await c.responses.create({ model: 'gpt-4o-mini', input: prompt });
  const stream = await c.responses.create({ model: 'gpt-4o-mini', input: prompt, stream: true });
  for await (const _ of stream) {
    // drain
  }
}

describe('OpenInference openai', () => {
  standardCases({
    fake: () => fake,
    start,
    work,
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });

  it('reports 0 tokens for a streamed chat completion, whose span carries none (a known gap), and counts it', async () => {
    const { harness: h, tracer } = await start();
    await runTask(tracer, 'active', 0, async (prompt) => {
      const stream = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream) {
        // drain
      }
    });
    const events = await h.flushEvents();
    expect(fake.answered('implementation').calls).toBe(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: 0,
      model: 'gpt-4o-mini',
      provider: 'openai',
    });
    expect(h.processor.tasksWithoutUsage).toBe(1);
  });

  it('prices a task with cached input and reasoning (Chat Completions and Responses)', async () => {
    const { harness: h, ended, tracer } = await start();
    fake.breakdown(taskName(0), { cacheRead: 4_000, reasoning: 700 });
    await runTask(tracer, 'active', 0, async (prompt) => {
      const c = client();
      await c.chat.completions.create({
        model: 'o4-mini',
        messages: [{ role: 'user', content: prompt }],
      });
      await c.responses.create({ model: 'o4-mini', input: prompt });
    });
    const events = await h.flushEvents();
    expectTaskEvent(events, fake, 0, { models: ['o4-mini'], provider: 'openai' }, ended);
    const calls = fake.answeredCalls(taskName(0));
    expect(calls).toHaveLength(2);
    // o4-mini: input 1.1, cache read 0.275, output 4.4 ($/MTok); reasoning is output.
    expect(events[0]?.actual_cost_usd_micros).toBe(
      expectedCostMicros(calls, { input: 1.1, cacheRead: 0.275, output: 4.4 }),
    );
  });
});

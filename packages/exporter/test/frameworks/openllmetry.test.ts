import Anthropic, * as anthropicModule from '@anthropic-ai/sdk';
import { AnthropicInstrumentation } from '@traceloop/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
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

// The openai (v6) and @anthropic-ai/sdk (0.x) clients traced by OpenLLMetry's instrumentations
// (`gen_ai.*` spans with `llm.request.type`), against the loopback fake.

const openaiInstrumentation = new OpenAIInstrumentation({ traceContent: false });
openaiInstrumentation.manuallyInstrument(OpenAI);
const anthropicInstrumentation = new AnthropicInstrumentation({ traceContent: false });
anthropicInstrumentation.manuallyInstrument(anthropicModule as never);

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
});
afterAll(async () => {
  await harness?.close();
  openaiInstrumentation.disable();
  anthropicInstrumentation.disable();
  teardown();
  await fake.close();
});

async function start() {
  await harness?.close();
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  openaiInstrumentation.setTracerProvider(run.harness.provider);
  anthropicInstrumentation.setTracerProvider(run.harness.provider);
  return run;
}

const openai = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });

describe('OpenLLMetry openai', () => {
  standardCases({
    fake: () => fake,
    start,
    // Two chat completions (its streamed calls carry no usage: see below).
    work: async (prompt) => {
      const c = openai();
      const messages = [{ role: 'user' as const, content: prompt }];
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
    },
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });

  it('reports 0 tokens for a streamed chat completion, whose span carries none (a known gap), and counts it', async () => {
    const { harness: h, tracer } = await start();
    await runTask(tracer, 'active', 0, async (prompt) => {
      const stream = await openai().chat.completions.create({
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
    expect(events[0]).toMatchObject({ actual_input_tokens: 0, provider: 'openai' });
    expect(h.processor.tasksWithoutUsage).toBe(1);
  });
});

describe('OpenLLMetry anthropic', () => {
  standardCases({
    fake: () => fake,
    start,
    // A message and a streamed message.
    work: async (prompt) => {
      const c = anthropic();
      const messages = [{ role: 'user' as const, content: prompt }];
      await c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages });
      const stream = await c.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages,
        stream: true,
      });
      for await (const _ of stream) {
        // drain
      }
    },
    expected: { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
  });

  it('prices a task with cache writes and cache reads, its input counted with them', async () => {
    const { harness: h, ended, tracer } = await start();
    fake.breakdown(taskName(0), { cacheRead: 40_000, cacheWrite: 5_000 });
    await runTask(tracer, 'active', 0, async (prompt) => {
      const c = anthropic();
      const messages = [{ role: 'user' as const, content: prompt }];
      await c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages });
      await c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages });
    });
    const events = await h.flushEvents();
    // Its spans carry Anthropic's input_tokens, which leave the cached tokens out.
    expectTaskEvent(
      events,
      fake,
      0,
      { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
      ended,
    );
    const calls = fake.answeredCalls(taskName(0));
    expect(calls).toHaveLength(2);
    // claude-sonnet-4-5 (up to 200,000 input tokens): input 3, cache write 3.75, cache read 0.3,
    // output 15 ($/MTok).
    expect(events[0]?.actual_cost_usd_micros).toBe(
      expectedCostMicros(calls, { input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 }),
    );
  });
});

import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import {
  generateObject,
  generateText,
  type LanguageModel,
  stepCountIs,
  streamText,
  tool,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  expectedCostMicros,
  expectTaskEvent,
  runTask,
  standardCases,
  taskName,
  useFrameworkSuite,
} from './framework-harness.js';

// The Vercel AI SDK 6 (its own `ai.*` spans, experimental_telemetry on) with the real
// @ai-sdk/openai (Responses and chat) and @ai-sdk/anthropic providers, against the loopback fake.

const suite = useFrameworkSuite('ai');
const fake = () => suite.fake();
const start = suite.start;
const telemetry = () => ({
  isEnabled: true,
  tracer: suite.tracer(),
  recordInputs: false,
  recordOutputs: false,
});
const openai = () => createOpenAI({ apiKey: 'sk-test', baseURL: `${fake().url}/v1` });
const anthropic = () => createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${fake().url}/v1` });

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `It is sunny in ${city}.`,
});

/** generateText with a tool over two steps, then streamText: three model requests. */
async function toolThenStream(model: LanguageModel, prompt: string): Promise<void> {
  await generateText({
    model,
    prompt,
    tools: { get_weather: weather },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    experimental_telemetry: telemetry(),
  });
  const result = streamText({ model, prompt, maxRetries: 0, experimental_telemetry: telemetry() });
  await result.consumeStream();
  await result.usage;
}

describe('Vercel AI SDK 6 with @ai-sdk/openai (Responses)', () => {
  standardCases({
    fake,
    start,
    work: (prompt) => toolThenStream(openai()('gpt-4o-mini'), prompt),
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });
});

describe('Vercel AI SDK 6 with @ai-sdk/openai (chat)', () => {
  standardCases({
    fake,
    start,
    // generateObject, then streamText.
    work: async (prompt) => {
      const model = openai().chat('gpt-4o-mini');
      await generateObject({
        model,
        prompt,
        schema: z.object({ city: z.string(), weather: z.string() }),
        maxRetries: 0,
        experimental_telemetry: telemetry(),
      });
      const result = streamText({
        model,
        prompt,
        maxRetries: 0,
        experimental_telemetry: telemetry(),
      });
      await result.consumeStream();
      await result.usage;
    },
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });
});

describe('Vercel AI SDK 6 with @ai-sdk/anthropic', () => {
  standardCases({
    fake,
    start,
    work: (prompt) => toolThenStream(anthropic()('claude-sonnet-4-5'), prompt),
    expected: { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
  });
});

describe('Vercel AI SDK 6: computed cost', () => {
  it('prices an Anthropic task with cache writes and cache reads', async () => {
    const { harness: h, ended, tracer: t } = await start();
    fake().breakdown(taskName(0), { cacheRead: 40_000, cacheWrite: 5_000 });
    const model = anthropic()('claude-sonnet-4-5');
    await runTask(t, 'active', 0, (prompt) => toolThenStream(model, prompt));
    const events = await h.flushEvents();
    // Tokens: every input token, cache reads and writes included.
    expectTaskEvent(
      events,
      fake(),
      0,
      { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
      ended,
    );
    const calls = fake().answeredCalls(taskName(0));
    expect(calls).toHaveLength(3);
    // claude-sonnet-4-5 (up to 200,000 input tokens): input 3, cache write 3.75, cache read 0.3,
    // output 15 ($/MTok).
    expect(events[0]?.actual_cost_usd_micros).toBe(
      expectedCostMicros(calls, { input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 }),
    );
  });

  it('prices an OpenAI task with cached input and reasoning (Responses API)', async () => {
    const { harness: h, ended, tracer: t } = await start();
    fake().breakdown(taskName(0), { cacheRead: 4_000, reasoning: 700 });
    const model = openai()('o4-mini');
    await runTask(t, 'active', 0, async (prompt) => {
      await generateText({
        model,
        prompt,
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
        experimental_telemetry: telemetry(),
      });
    });
    const events = await h.flushEvents();
    expectTaskEvent(events, fake(), 0, { models: ['o4-mini'], provider: 'openai' }, ended);
    const calls = fake().answeredCalls(taskName(0));
    expect(calls).toHaveLength(2);
    // o4-mini: input 1.1, cache read 0.275, output 4.4 ($/MTok); reasoning is output.
    expect(events[0]?.actual_cost_usd_micros).toBe(
      expectedCostMicros(calls, { input: 1.1, cacheRead: 0.275, output: 4.4 }),
    );
  });
});

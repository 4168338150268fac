import { createAnthropic } from 'ai-sdk-anthropic-v2';
import { generateText, stepCountIs, streamText, tool } from 'ai-v5';
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

// The Vercel AI SDK 5 with the real @ai-sdk/anthropic 2, against the loopback fake. Its spans
// count Anthropic's input as Anthropic does (without cache reads and writes) and give the cache
// writes only in `ai.response.providerMetadata`; the event counts every input token.

const suite = useFrameworkSuite('ai');
const telemetry = () => ({
  isEnabled: true,
  tracer: suite.tracer(),
  recordInputs: false,
  recordOutputs: false,
});
const anthropic = () =>
  createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${suite.fake().url}/v1` });

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `It is sunny in ${city}.`,
});

/** generateText with a tool over two steps, then streamText: three model requests. */
async function work(prompt: string): Promise<void> {
  const model = anthropic()('claude-sonnet-4-5');
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

describe('Vercel AI SDK 5 with @ai-sdk/anthropic 2', () => {
  standardCases({
    fake: suite.fake,
    start: suite.start,
    work,
    expected: { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
  });

  it('counts and prices cache reads and writes (the writes from provider metadata)', async () => {
    const { harness, ended, tracer } = await suite.start();
    const fake = suite.fake();
    fake.breakdown(taskName(0), { cacheRead: 40_000, cacheWrite: 5_000 });
    await runTask(tracer, 'active', 0, work);
    const events = await harness.flushEvents();
    // Tokens: every input token, cache reads and writes included.
    expectTaskEvent(
      events,
      fake,
      0,
      { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
      ended,
    );
    const calls = fake.answeredCalls(taskName(0));
    expect(calls).toHaveLength(3);
    // claude-sonnet-4-5 (up to 200,000 input tokens): input 3, cache write 3.75, cache read 0.3,
    // output 15 ($/MTok).
    expect(events[0]?.actual_cost_usd_micros).toBe(
      expectedCostMicros(calls, { input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 }),
    );
  });
});

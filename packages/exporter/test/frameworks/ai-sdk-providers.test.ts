import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe } from 'vitest';
import { z } from 'zod';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import { standardCases, startFrameworkHarness, useContextManager } from './framework-harness.js';

// The Vercel AI SDK 6 (its own `ai.*` spans, experimental_telemetry on) with the real
// @ai-sdk/openai (Responses and chat) and @ai-sdk/anthropic providers, against the loopback fake.

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
});
afterAll(async () => {
  await harness?.close();
  teardown();
  await fake.close();
});

let tracer: ReturnType<TaskHarness['provider']['getTracer']>;
async function start() {
  await harness?.close();
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  tracer = run.harness.provider.getTracer('ai');
  return run;
}

const telemetry = () => ({ isEnabled: true, tracer, recordInputs: false, recordOutputs: false });
const openai = () => createOpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1` });
const anthropic = () => createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${fake.url}/v1` });

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `It is sunny in ${city}.`,
});

describe('Vercel AI SDK 6 with @ai-sdk/openai (Responses)', () => {
  standardCases({
    fake: () => fake,
    start,
    // generateText with a tool over two steps, then streamText.
    work: async (prompt) => {
      const model = openai()('gpt-4o-mini');
      await generateText({
        model,
        prompt,
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
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

describe('Vercel AI SDK 6 with @ai-sdk/openai (chat)', () => {
  standardCases({
    fake: () => fake,
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
    fake: () => fake,
    start,
    work: async (prompt) => {
      const model = anthropic()('claude-sonnet-4-5');
      await generateText({
        model,
        prompt,
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
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
    expected: { models: ['claude-sonnet-4-5'], provider: 'anthropic' },
  });
});

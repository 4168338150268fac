import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { OtelBridge } from '@mastra/otel-bridge';
import { afterAll, beforeAll, describe } from 'vitest';
import { z } from 'zod';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import {
  SwitchingTracerProvider,
  standardCases,
  startFrameworkHarness,
  useContextManager,
} from './framework-harness.js';

// Mastra (@mastra/core agents on the AI SDK's @ai-sdk/openai provider) traced through
// @mastra/otel-bridge, which makes a real OTel span (GenAI conventions) for each Mastra span,
// against the loopback fake. @mastra/core declares Node >= 22.13 and runs here on Node 20.

const tracerProvider = new SwitchingTracerProvider();
let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
let mastra: Mastra;

beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1` });
  const weather = createTool({
    id: 'get_weather',
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }: { city: string }) => `It is sunny in ${city}.`,
  });
  const agent = new Agent({
    id: 'weather',
    name: 'weather',
    instructions: 'Answer briefly.',
    model: openai('gpt-4o-mini'),
    tools: { weather },
  });
  mastra = new Mastra({
    agents: { weather: agent },
    logger: false,
    observability: new Observability({
      configs: {
        default: { serviceName: 'framework-test', bridge: new OtelBridge({ tracerProvider }) },
      },
    }),
  });
});
afterAll(async () => {
  await harness?.close();
  await mastra.shutdown?.();
  teardown();
  await fake.close();
});

async function start() {
  await harness?.close();
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  tracerProvider.current = run.harness.provider;
  return run;
}

describe('Mastra with @mastra/otel-bridge', () => {
  standardCases({
    fake: () => fake,
    start,
    // An agent run with one tool (two model calls), then a streamed run.
    work: async (prompt) => {
      const agent = mastra.getAgent('weather');
      await agent.generate(prompt, { maxSteps: 3, modelSettings: { maxRetries: 0 } });
      const stream = await agent.stream(prompt, { modelSettings: { maxRetries: 0 } });
      await stream.consumeStream();
      await stream.usage;
    },
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });
});

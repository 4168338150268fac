import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { OpenAIAgentsInstrumentation } from '@arizeai/openinference-instrumentation-openai-agents';
import * as agents from '@openai/agents';
import type OpenAIClient from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import {
  expectTaskEvent,
  importDependencyOf,
  llmSpansByScope,
  type ParentMode,
  runTask,
  SwitchingTracerProvider,
  startFrameworkHarness,
  taskName,
  useContextManager,
} from './framework-harness.js';

// The OpenAI Agents SDK (@openai/agents) traced by OpenInference's processor for it, against the
// loopback fake, in both of its model APIs. The processor turns the SDK's own trace events into
// OTel spans: each child is started under the parent's wrapper object (no attributes), and its LLM
// spans (`response`, `generation`) sit several levels below the task. The exclusive processor
// replaces the SDK's default exporter, so nothing is sent to OpenAI's tracing endpoint.

type OpenAIModule = { OpenAI: typeof OpenAIClient };

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let openai: OpenAIModule;
let teardown: () => void;
const openaiInstrumentation = new OpenAIInstrumentation();
let openaiPatched = false;
const tracerProvider = new SwitchingTracerProvider();

beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
  // The copy of `openai` the agents SDK itself loads.
  openai = await importDependencyOf<OpenAIModule>('@openai/agents', 'openai');
  new OpenAIAgentsInstrumentation({ tracerProvider }).manuallyInstrument(agents);
  // The SDK turns its tracing off when NODE_ENV is `test`; its only processor now is OpenInference's.
  agents.setTracingDisabled(false);
});
afterEach(async () => {
  if (openaiPatched) {
    openaiInstrumentation.disable();
    openaiPatched = false;
  }
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  agents.setTraceProcessors([]);
  teardown();
  await fake.close();
});

/**
 * Models a task may report: a `generation` span (chat_completions) names the request model; a
 * `response` span (Responses API) only the response's, which the API dates.
 */
const modelsOf = (api: 'responses' | 'chat_completions') =>
  api === 'responses' ? ['gpt-4o-mini-2024-07-18'] : ['gpt-4o-mini'];

async function start(
  api: 'responses' | 'chat_completions',
  options: { alsoOpenAI?: boolean } = {},
) {
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  tracerProvider.current = run.harness.provider;
  if (options.alsoOpenAI === true) {
    openaiInstrumentation.setTracerProvider(run.harness.provider);
    openaiInstrumentation.enable();
    openaiInstrumentation.manuallyInstrument(openai as never);
    openaiPatched = true;
  }
  agents.setDefaultOpenAIClient(
    new openai.OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 }) as never,
  );
  agents.setOpenAIAPI(api);
  return run;
}

const weather = agents.tool({
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `It is sunny in ${city}.`,
});

const assistant = () =>
  new agents.Agent({
    name: 'Assistant',
    instructions: 'Answer briefly.',
    model: 'gpt-4o-mini',
    tools: [weather],
  });

/** Runner.run with one tool: a tool call, then the answer (two model calls). */
async function runAgent(prompt: string) {
  await agents.run(assistant(), prompt);
}

/** The same run, streamed. */
async function streamAgent(prompt: string) {
  const result = await agents.run(assistant(), prompt, { stream: true });
  for await (const _ of result) {
    // drain
  }
  await result.completed;
}

describe('OpenInference OpenAI Agents', () => {
  for (const api of ['responses', 'chat_completions'] as const) {
    describe(`${api} API`, () => {
      const MODELS = modelsOf(api);
      for (const mode of ['active', 'explicit'] as ParentMode[]) {
        it(`counts both calls of a run with one tool (task span ${mode})`, async () => {
          const { harness: h, ended, tracer } = await start(api);
          await runTask(tracer, mode, 0, runAgent);
          expectTaskEvent(
            await h.flushEvents(),
            fake,
            0,
            { models: MODELS, provider: 'openai' },
            ended,
          );
          expect(h.processor.trackedSpanCount).toBe(0);
        });
      }

      it('counts both calls of a streamed run', async () => {
        const { harness: h, ended, tracer } = await start(api);
        await runTask(tracer, 'active', 0, streamAgent);
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: MODELS, provider: 'openai' },
          ended,
        );
      });

      it('keeps two concurrent tasks apart', async () => {
        const { harness: h, ended, tracer } = await start(api);
        await Promise.all([
          runTask(tracer, 'active', 0, runAgent),
          runTask(tracer, 'explicit', 1, streamAgent),
        ]);
        const events = await h.flushEvents();
        expectTaskEvent(events, fake, 0, { models: MODELS, provider: 'openai' }, ended);
        expectTaskEvent(events, fake, 1, { models: MODELS, provider: 'openai' }, ended);
      });

      it('reports a failure with the tokens of the calls that succeeded', async () => {
        const { harness: h, ended, tracer } = await start(api);
        await runTask(tracer, 'active', 0, async (prompt) => {
          await runAgent(prompt);
          fake.failNext(taskName(0));
          await runAgent(prompt);
        });
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: MODELS, provider: 'openai', outcome: 'failure' },
          ended,
        );
      });

      it('counts each call once with the openai SDK instrumented too', async () => {
        const { harness: h, ended, tracer } = await start(api, { alsoOpenAI: true });
        await runTask(tracer, 'explicit', 0, runAgent);
        // The openai SDK's span of the pair names the request model.
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: ['gpt-4o-mini'], provider: 'openai' },
          ended,
        );
        const byScope = llmSpansByScope(ended);
        expect(Object.keys(byScope).sort()).toEqual([
          '@arizeai/openinference-instrumentation-openai',
          '@arizeai/openinference-instrumentation-openai-agents',
        ]);
      });
    });
  }
});

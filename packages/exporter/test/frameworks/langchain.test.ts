import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { createAgent } from 'langchain';
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
  startFrameworkHarness,
  useContextManager,
} from './framework-harness.js';

// LangChain JS (@langchain/core, @langchain/openai, langchain createAgent) traced by OpenInference's
// LangChain instrumentation, against the loopback fake. Its tracer starts each child span from a
// bare span context of the parent run (never the live span), and never makes its spans active.

// No LangSmith, and callbacks in the caller's async context (background callbacks can move a run
// into another trace under Promise.all: a LangChain behaviour, see the README's framework table).
process.env.LANGCHAIN_TRACING_V2 = 'false';
process.env.LANGSMITH_TRACING = 'false';
process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'false';

const langchain = new LangChainInstrumentation();
langchain.manuallyInstrument(CallbackManagerModule);
const openaiInstrumentation = new OpenAIInstrumentation();
let openaiPatched = false;

let fake: FakeModelServer;
let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(async () => {
  teardown = useContextManager();
  fake = await startFakeModelServer();
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
  langchain.disable();
  teardown();
  await fake.close();
});

const MODELS = ['gpt-4o-mini'];

async function start(options: { alsoOpenAI?: boolean } = {}) {
  const run = await startFrameworkHarness(fake);
  harness = run.harness;
  langchain.setTracerProvider(run.harness.provider);
  if (options.alsoOpenAI === true) {
    // The openai client @langchain/openai itself imports (its own copy), instrumented too.
    const openai = await importDependencyOf<Record<string, unknown>>('@langchain/openai', 'openai');
    openaiInstrumentation.setTracerProvider(run.harness.provider);
    openaiInstrumentation.enable();
    openaiInstrumentation.manuallyInstrument(openai as never);
    openaiPatched = true;
  }
  const model = (streaming = false) =>
    new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      configuration: { baseURL: `${fake.url}/v1` },
      maxRetries: 0,
      streaming,
    });
  return { ...run, model };
}

const weather = tool(async ({ city }: { city: string }) => `It is sunny in ${city}.`, {
  name: 'get_weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string() }),
});

type Model = ReturnType<Awaited<ReturnType<typeof start>>['model']>;

/** A prompt | model | parser chain, invoked twice. */
async function chain(model: Model, prompt: string) {
  const template = ChatPromptTemplate.fromMessages([['user', '{question}']]);
  const c = template.pipe(model).pipe(new StringOutputParser());
  await c.invoke({ question: prompt });
  await c.invoke({ question: `${prompt} again` });
}

async function streamed(model: Model, prompt: string) {
  for await (const _ of await model.stream(prompt)) {
    // drain
  }
}

async function agent(model: Model, prompt: string) {
  const a = createAgent({ model, tools: [weather] });
  await a.invoke({ messages: [{ role: 'user', content: prompt }] });
}

describe('OpenInference LangChain', () => {
  for (const mode of ['active', 'explicit'] as ParentMode[]) {
    describe(`with the task span ${mode === 'active' ? 'active' : 'as an explicit parent context'}`, () => {
      it('counts every LLM call of a chain', async () => {
        const { harness: h, ended, tracer, model } = await start();
        await runTask(tracer, mode, 0, (prompt) => chain(model(), prompt));
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: MODELS, provider: 'openai' },
          ended,
        );
        expect0Tracked(h);
      });

      it('counts a streamed call', async () => {
        const { harness: h, ended, tracer, model } = await start();
        await runTask(tracer, mode, 0, (prompt) => streamed(model(true), prompt));
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: MODELS, provider: 'openai' },
          ended,
        );
      });

      it('counts both calls of a createAgent run with one tool', async () => {
        const { harness: h, ended, tracer, model } = await start();
        await runTask(tracer, mode, 0, (prompt) => agent(model(), prompt));
        expectTaskEvent(
          await h.flushEvents(),
          fake,
          0,
          { models: MODELS, provider: 'openai' },
          ended,
        );
        expect0Tracked(h);
      });
    });
  }

  it('keeps two concurrent tasks apart', async () => {
    const { harness: h, ended, tracer, model } = await start();
    await Promise.all([
      runTask(tracer, 'active', 0, (prompt) => agent(model(), prompt)),
      runTask(tracer, 'explicit', 1, (prompt) => chain(model(), prompt)),
    ]);
    const events = await h.flushEvents();
    expectTaskEvent(events, fake, 0, { models: MODELS, provider: 'openai' }, ended);
    expectTaskEvent(events, fake, 1, { models: MODELS, provider: 'openai' }, ended);
  });

  it('reports a failure with the tokens of the calls that succeeded', async () => {
    const { harness: h, ended, tracer, model } = await start();
    await runTask(tracer, 'active', 0, async (prompt) => {
      await streamed(model(true), prompt);
      fake.failNext('implementation');
      await chain(model(), prompt);
    });
    expectTaskEvent(
      await h.flushEvents(),
      fake,
      0,
      { models: MODELS, provider: 'openai', outcome: 'failure' },
      ended,
    );
  });

  describe('with the openai SDK instrumented too', () => {
    it('counts a direct invoke once', async () => {
      const { harness: h, ended, tracer, model } = await start({ alsoOpenAI: true });
      await runTask(tracer, 'active', 0, (prompt) => model().invoke(prompt));
      expectTaskEvent(
        await h.flushEvents(),
        fake,
        0,
        { models: MODELS, provider: 'openai' },
        ended,
      );
      expect(llmSpansByScope(ended)).toEqual({
        '@arizeai/openinference-instrumentation-langchain': 1,
        '@arizeai/openinference-instrumentation-openai': 1,
      });
    });

    it('counts each call of an agent and two concurrent invokes once', async () => {
      const { harness: h, ended, tracer, model } = await start({ alsoOpenAI: true });
      await runTask(tracer, 'explicit', 0, async (prompt) => {
        await agent(model(), prompt);
        await Promise.all([model().invoke(prompt), model().invoke(prompt)]);
      });
      expectTaskEvent(
        await h.flushEvents(),
        fake,
        0,
        { models: MODELS, provider: 'openai' },
        ended,
      );
      expect(llmSpansByScope(ended)).toEqual({
        '@arizeai/openinference-instrumentation-langchain': 4,
        '@arizeai/openinference-instrumentation-openai': 4,
      });
    });
  });
});

function expect0Tracked(h: TaskHarness) {
  if (h.processor.trackedSpanCount !== 0) {
    throw new Error(`tracker kept ${h.processor.trackedSpanCount} spans after the task ended`);
  }
}

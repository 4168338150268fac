import {
  type TaskCompletionEvent,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { type Attributes, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureSpan, loadFixture, replayFixture } from '../support/span-fixture.js';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';

// End to end: real spans -> createMosaicSpanProcessor -> BSP -> exporter -> loopback server.

let harness: TaskHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(config: { autoTasks?: boolean } = {}) {
  harness = await startTaskHarness(config);
  const tracer = harness.provider.getTracer('t');
  const span = (name: string, attributes: Attributes = {}, parent?: Span): Span =>
    tracer.startSpan(
      name,
      { attributes },
      parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent),
    );
  const task = (attributes: Attributes = {}, parent?: Span) =>
    span('task', { 'mosaic.task.type': 'implementation', ...attributes }, parent);
  /** A child span that ends at once. */
  const ended = (name: string, attributes: Attributes, parent: Span) => {
    const s = span(name, attributes, parent);
    s.end();
    return s;
  };
  return { h: harness, span, task, ended };
}

function only(events: TaskCompletionEvent[]): TaskCompletionEvent {
  expect(events).toHaveLength(1);
  const event = events[0] as TaskCompletionEvent;
  expect(validateTaskCompletionEvent(event)).toEqual([]);
  return event;
}

const genAiChat = (input: number, output: number, model = 'claude-sonnet-4-5') => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('MosaicSpanProcessor usage folding', () => {
  describe('dialects', () => {
    it('sums OTel GenAI chat calls under an agent, skipping the agent, tools and embeddings', async () => {
      const { h, span, task, ended } = await start();
      const root = task();
      const agent = span(
        'invoke_agent coder',
        {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.usage.input_tokens': 3000,
          'gen_ai.usage.output_tokens': 300,
        },
        root,
      );
      const step = span('agent_step', { 'gen_ai.operation.name': 'agent_step' }, agent);
      ended('chat', genAiChat(1000, 100), step);
      ended('execute_tool edit', { 'gen_ai.operation.name': 'execute_tool' }, step);
      ended(
        'embeddings',
        { 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 5000 },
        step,
      );
      step.end();
      ended('chat', genAiChat(2000, 200, 'claude-haiku-4-5'), agent);
      agent.end();
      root.end();

      expect(only(await h.flushEvents())).toMatchObject({
        task_type: 'implementation',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        actual_input_tokens: 3000,
        actual_output_tokens: 300,
      });
    });

    it('sums Vercel AI SDK doGenerate calls once though they carry gen_ai.* too', async () => {
      const { h, span, task, ended } = await start();
      const root = task();
      const wrapper = span(
        'ai.generateText',
        {
          'ai.model.id': 'gpt-4o',
          'ai.model.provider': 'openai.chat',
          'ai.usage.inputTokens': 30,
          'ai.usage.outputTokens': 3,
        },
        root,
      );
      for (const [input, output] of [
        [10, 1],
        [20, 2],
      ]) {
        ended(
          'ai.generateText.doGenerate',
          {
            'ai.model.id': 'gpt-4o',
            'ai.model.provider': 'openai.chat',
            'ai.usage.inputTokens': input,
            'ai.usage.outputTokens': output,
            'gen_ai.system': 'openai.chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': input,
            'gen_ai.usage.output_tokens': output,
          },
          wrapper,
        );
      }
      wrapper.end();
      root.end();

      expect(only(await h.flushEvents())).toMatchObject({
        model: 'gpt-4o',
        provider: 'openai',
        actual_input_tokens: 30,
        actual_output_tokens: 3,
      });
    });

    it('sums AI SDK v4 promptTokens/completionTokens', async () => {
      const { h, task, ended } = await start();
      const root = task();
      ended(
        'ai.streamText.doStream',
        {
          'ai.model.id': 'claude-3-5-haiku',
          'ai.model.provider': 'anthropic.messages',
          'ai.usage.promptTokens': 41,
          'ai.usage.completionTokens': 9,
        },
        root,
      );
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        provider: 'anthropic',
        actual_input_tokens: 41,
        actual_output_tokens: 9,
      });
    });

    it('sums OpenInference LLM spans under AGENT and CHAIN spans', async () => {
      const { h, span, task, ended } = await start();
      const root = task();
      const agent = span('Agent', { 'openinference.span.kind': 'AGENT' }, root);
      const chain = span(
        'RunnableSequence',
        { 'openinference.span.kind': 'CHAIN', 'llm.token_count.prompt': 999 },
        agent,
      );
      for (const prompt of [300, 400]) {
        ended(
          'ChatOpenAI',
          {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4.1',
            'llm.provider': 'openai',
            'llm.token_count.prompt': prompt,
            'llm.token_count.completion': 50,
          },
          chain,
        );
      }
      ended('search', { 'openinference.span.kind': 'TOOL' }, chain);
      chain.end();
      agent.end();
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        model: 'gpt-4.1',
        provider: 'openai',
        actual_input_tokens: 700,
        actual_output_tokens: 100,
      });
    });

    it('sums OpenLLMetry LLM spans under workflow and task spans', async () => {
      const { h, span, task, ended } = await start();
      const root = task();
      const workflow = span('plan.workflow', { 'traceloop.span.kind': 'workflow' }, root);
      const step = span('draft.task', { 'traceloop.span.kind': 'task' }, workflow);
      ended(
        'openai.chat',
        {
          'llm.request.type': 'chat',
          'gen_ai.system': 'OpenAI',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.prompt_tokens': 60,
          'gen_ai.usage.completion_tokens': 6,
        },
        step,
      );
      ended(
        'anthropic.chat',
        {
          'llm.request.type': 'chat',
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-opus-4',
          'gen_ai.usage.input_tokens': 40,
          'gen_ai.usage.output_tokens': 4,
        },
        step,
      );
      step.end();
      workflow.end();
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        model: 'gpt-4o',
        provider: 'openai',
        actual_input_tokens: 100,
        actual_output_tokens: 10,
      });
    });
  });

  describe('tasks', () => {
    it('gives nested tasks each the calls beneath them, not those of their inner task', async () => {
      const { h, task, ended } = await start();
      const outer = task({ 'mosaic.task.type': 'planning' });
      ended('chat', genAiChat(10, 1), outer);
      const inner = task({ 'mosaic.task.type': 'testing' }, outer);
      ended('chat', genAiChat(500, 50), inner);
      inner.end();
      ended('chat', genAiChat(20, 2), outer);
      outer.end();

      const events = await h.flushEvents();
      const byType = Object.fromEntries(events.map((e) => [e.task_type, e]));
      expect(events).toHaveLength(2);
      expect(byType.planning).toMatchObject({ actual_input_tokens: 30, actual_output_tokens: 3 });
      expect(byType.testing).toMatchObject({ actual_input_tokens: 500, actual_output_tokens: 50 });
    });

    it('lets attributes on the task span win over folded usage, field by field', async () => {
      const { h, task, ended } = await start();
      const root = task({
        'gen_ai.usage.input_tokens': 7777,
        'gen_ai.request.model': 'my-model',
        'gen_ai.provider.name': 'mistral_ai',
      });
      ended('chat', genAiChat(10, 1), root);
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        model: 'my-model',
        provider: 'mistral',
        actual_input_tokens: 7777,
        actual_output_tokens: 1,
      });
    });

    it('exports a span that became a task only at its end, without folded usage', async () => {
      const { h, span, ended } = await start();
      const root = span('late');
      ended('chat', genAiChat(10, 1), root);
      root.setAttribute('mosaic.task.type', 'refactoring');
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        task_type: 'refactoring',
        model: 'unknown',
        actual_input_tokens: 0,
      });
    });

    it('folds nothing into and exports nothing for spans outside tasks', async () => {
      const { h, span, ended } = await start();
      const http = span('GET /');
      ended('chat', genAiChat(10, 1), http);
      http.end();
      expect(h.processor.trackedSpanCount).toBe(0);
      expect(await h.flushEvents()).toEqual([]);
    });
  });

  describe('bounds', () => {
    it('tracks the live spans of a task and forgets each as it ends', async () => {
      const { h, span, task } = await start();
      const root = task();
      const a = span('a', {}, root);
      const b = span('b', genAiChat(1, 1), a);
      expect(h.processor.trackedSpanCount).toBe(3);
      b.end();
      a.end();
      root.end();
      expect(h.processor.trackedSpanCount).toBe(0);
    });

    it('keeps a never-ended child tracked (until aged out) but still exports its task', async () => {
      const { h, span, task, ended } = await start();
      const root = task();
      span('hangs', {}, root);
      ended('chat', genAiChat(5, 5), root);
      root.end();
      expect(h.processor.trackedSpanCount).toBe(1);
      expect(only(await h.flushEvents())).toMatchObject({ actual_input_tokens: 5 });
    });
  });

  describe('autoTasks', () => {
    it('reports an un-enclosed invoke_agent span as a task of type unknown when on', async () => {
      const { h, span, ended } = await start({ autoTasks: true });
      const agent = span('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' });
      ended('chat', genAiChat(11, 2), agent);
      ended('chat', genAiChat(13, 3), agent);
      agent.end();
      expect(only(await h.flushEvents())).toMatchObject({
        task_type: 'unknown',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        actual_input_tokens: 24,
        actual_output_tokens: 5,
      });
      expect(h.processor.trackedSpanCount).toBe(0);
    });

    it('reads usage totals an auto-task agent span carries itself over folded usage', async () => {
      const { h, span, ended } = await start({ autoTasks: true });
      const agent = span('invoke_agent', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.usage.input_tokens': 24,
      });
      ended('chat', genAiChat(11, 2), agent);
      agent.end();
      expect(only(await h.flushEvents())).toMatchObject({
        actual_input_tokens: 24,
        actual_output_tokens: 2,
      });
    });

    it('reports only the explicit task when an agent runs inside it', async () => {
      const { h, span, task, ended } = await start({ autoTasks: true });
      const root = task();
      const agent = span('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' }, root);
      ended('chat', genAiChat(11, 2), agent);
      agent.end();
      root.end();
      expect(only(await h.flushEvents())).toMatchObject({
        task_type: 'implementation',
        actual_input_tokens: 11,
      });
    });

    it('reports nothing for an un-enclosed agent span when off', async () => {
      const { h, span, ended } = await start();
      const agent = span('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' });
      ended('chat', genAiChat(11, 2), agent);
      agent.end();
      expect(await h.flushEvents()).toEqual([]);
      expect(h.processor.trackedSpanCount).toBe(0);
    });
  });

  describe('captured framework traces', () => {
    const fixture = (name: string): FixtureSpan[] =>
      loadFixture(new URL(`../fixtures/${name}.json`, import.meta.url));

    it.each([
      ['ai-sdk-generate-text', 'gpt-4o-mini', 'openai', 280, 24],
      ['ai-sdk-stream-text', 'claude-sonnet-4-5', 'anthropic', 165, 42],
      ['openai-chat', 'gpt-4o-mini', 'openai', 600, 42],
    ])(
      'folds %s under a task into the sum of its calls',
      async (name, model, provider, input, output) => {
        const { h, task } = await start();
        const root = task();
        replayFixture(h.provider, fixture(name), trace.setSpan(ROOT_CONTEXT, root));
        root.end();
        expect(only(await h.flushEvents())).toMatchObject({
          task_type: 'implementation',
          model,
          provider,
          actual_input_tokens: input,
          actual_output_tokens: output,
        });
        expect(h.processor.trackedSpanCount).toBe(0);
      },
    );

    it.each([
      ['ai-sdk-generate-text', 280],
      ['ai-sdk-stream-text', 165],
    ])('reports %s without a task as one unknown task under autoTasks', async (name, input) => {
      const { h } = await start({ autoTasks: true });
      replayFixture(h.provider, fixture(name), ROOT_CONTEXT);
      expect(only(await h.flushEvents())).toMatchObject({
        task_type: 'unknown',
        actual_input_tokens: input,
      });
    });

    it('reports no task for bare OpenAI chat spans under autoTasks (no agent span)', async () => {
      const { h } = await start({ autoTasks: true });
      replayFixture(h.provider, fixture('openai-chat'), ROOT_CONTEXT);
      expect(await h.flushEvents()).toEqual([]);
    });
  });
});

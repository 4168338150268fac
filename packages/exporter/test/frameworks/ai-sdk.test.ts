import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CapturingSpanProcessor, type FixtureSpan, loadFixture } from '../support/span-fixture.js';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';

// The Vercel AI SDK 6 run for real (MockLanguageModelV3 stands in for the provider only), with its
// telemetry on, under a task span: the task's event must carry exactly the sum of its model calls.

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  manager.disable();
  context.disable();
});

let harness: TaskHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(config: { autoTasks?: boolean } = {}) {
  const capture = new CapturingSpanProcessor();
  harness = await startTaskHarness(config, [capture]);
  // The tracer the AI SDK would use by default is named 'ai'.
  return { h: harness, capture, tracer: harness.provider.getTracer('ai') };
}

function usage(input: number, output: number) {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** Two steps: a tool call, then the answer (120+160 input, 15+9 output tokens). */
function generatingModel() {
  return new MockLanguageModelV3({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    doGenerate: [
      {
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: '{"a":1,"b":2}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: usage(120, 15),
        warnings: [],
      },
      {
        content: [{ type: 'text', text: 'The sum is 3.' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(160, 9),
        warnings: [],
      },
    ],
  });
}

/** Two streamed steps: a tool call, then the answer (70+95 input, 12+30 output tokens). */
function streamingModel() {
  const finish = (reason: 'tool-calls' | 'stop', input: number, output: number) => ({
    type: 'finish' as const,
    finishReason: { unified: reason, raw: reason },
    usage: usage(input, output),
  });
  return new MockLanguageModelV3({
    provider: 'anthropic.messages',
    modelId: 'claude-sonnet-4-5',
    doStream: [
      {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: '{"a":2,"b":3}' },
          finish('tool-calls', 70, 12),
        ]),
      },
      {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't1' },
          { type: 'text-delta', id: 't1', delta: 'The sum is 5.' },
          { type: 'text-end', id: 't1' },
          finish('stop', 95, 30),
        ]),
      },
    ],
  });
}

const tools = {
  add: tool({
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => a + b,
  }),
};

function runGenerate(tracer: Tracer) {
  return generateText({
    model: generatingModel(),
    prompt: 'add 1 and 2',
    tools,
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, tracer },
  });
}

async function runStream(tracer: Tracer) {
  const result = streamText({
    model: streamingModel(),
    prompt: 'add 2 and 3',
    tools,
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, tracer },
  });
  await result.consumeStream();
  await result.totalUsage;
}

/** Runs `fn` inside an active task span and ends the span after it. */
function underTask(tracer: Tracer, fn: () => Promise<unknown>) {
  return tracer.startActiveSpan(
    'task',
    { attributes: { 'mosaic.task.type': 'implementation' } },
    async (span) => {
      await fn();
      span.end();
    },
  );
}

function sumOfCalls(spans: readonly ReadableSpan[], suffix: string) {
  const calls = spans.filter((s) => s.name.endsWith(suffix));
  return {
    calls: calls.length,
    input: calls.reduce((n, s) => n + Number(s.attributes['ai.usage.inputTokens']), 0),
    output: calls.reduce((n, s) => n + Number(s.attributes['ai.usage.outputTokens']), 0),
  };
}

/** The shape of a trace without its attribute values. */
const shape = (spans: readonly FixtureSpan[]) =>
  spans.map(({ id, parent, name, scope }) => ({ id, parent, name, scope }));

describe('Vercel AI SDK 6 telemetry', () => {
  describe('generateText', () => {
    it('reports the sum of every doGenerate call under the task span', async () => {
      const { h, capture, tracer } = await start();
      await underTask(tracer, () => runGenerate(tracer));
      const [event, ...rest] = await h.flushEvents();

      const sum = sumOfCalls(capture.ended, '.doGenerate');
      expect(sum).toEqual({ calls: 2, input: 280, output: 24 });
      expect(rest).toHaveLength(0);
      expect(event).toMatchObject({
        task_type: 'implementation',
        model: 'gpt-4o-mini',
        provider: 'openai',
        actual_input_tokens: sum.input,
        actual_output_tokens: sum.output,
      });
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(h.processor.trackedSpanCount).toBe(0);
    });

    it('matches the captured fixture of its span tree', async () => {
      const { capture, tracer } = await start();
      await underTask(tracer, () => runGenerate(tracer));
      const root = capture.ended.find((s) => s.name === 'task') as ReadableSpan;
      const captured = capture.fixtureUnder(root);
      const fixture = loadFixture(
        new URL('../fixtures/ai-sdk-generate-text.json', import.meta.url),
        captured,
      );
      expect(shape(captured)).toEqual(shape(fixture));
      expect(JSON.stringify(captured)).not.toMatch(/add 1 and 2|The sum is/);
    });
  });

  describe('streamText', () => {
    it('reports the sum of every doStream call under the task span', async () => {
      const { h, capture, tracer } = await start();
      await underTask(tracer, () => runStream(tracer));
      const events = await h.flushEvents();

      const sum = sumOfCalls(capture.ended, '.doStream');
      expect(sum).toEqual({ calls: 2, input: 165, output: 42 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        actual_input_tokens: sum.input,
        actual_output_tokens: sum.output,
      });
      expect(h.processor.trackedSpanCount).toBe(0);
    });

    it('matches the captured fixture of its span tree', async () => {
      const { capture, tracer } = await start();
      await underTask(tracer, () => runStream(tracer));
      const root = capture.ended.find((s) => s.name === 'task') as ReadableSpan;
      const captured = capture.fixtureUnder(root);
      const fixture = loadFixture(
        new URL('../fixtures/ai-sdk-stream-text.json', import.meta.url),
        captured,
      );
      expect(shape(captured)).toEqual(shape(fixture));
      expect(JSON.stringify(captured)).not.toMatch(/add 2 and 3|The sum is/);
    });
  });

  describe('autoTasks', () => {
    it('reports a generateText outside any task as a task of type unknown when on', async () => {
      const { h, tracer } = await start({ autoTasks: true });
      await runGenerate(tracer);
      const events = await h.flushEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        task_type: 'unknown',
        model: 'gpt-4o-mini',
        provider: 'openai',
        actual_input_tokens: 280,
        actual_output_tokens: 24,
      });
      expect(validateTaskCompletionEvent(events[0])).toEqual([]);
    });

    it('reports only the enclosing task when generateText runs inside one', async () => {
      const { h, tracer } = await start({ autoTasks: true });
      await underTask(tracer, () => runGenerate(tracer));
      const events = await h.flushEvents();
      expect(events.map((e) => e.task_type)).toEqual(['implementation']);
      expect(events[0]?.actual_input_tokens).toBe(280);
    });

    it('reports nothing for a generateText outside any task when off', async () => {
      const { h, tracer } = await start();
      await runGenerate(tracer);
      expect(await h.flushEvents()).toEqual([]);
      expect(h.server.requests).toHaveLength(0);
      expect(h.processor.trackedSpanCount).toBe(0);
    });
  });
});

describe('Vercel AI SDK 6 computed cost', () => {
  it('prices a Gemini task whose output includes thoughts', async () => {
    const { h, tracer } = await start();
    // Two calls, each 12,000 prompt tokens of which 4,000 cached, 2,000 output tokens of which
    // 1,200 thoughts (Gemini's candidates + thoughts).
    const step = {
      inputTokens: { total: 12_000, noCache: 8_000, cacheRead: 4_000, cacheWrite: 0 },
      outputTokens: { total: 2_000, text: 800, reasoning: 1_200 },
    };
    const model = new MockLanguageModelV3({
      provider: 'google.generative-ai',
      modelId: 'gemini-2.5-flash',
      doGenerate: [
        {
          content: [
            { type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: '{"a":1,"b":2}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'STOP' },
          usage: step,
          warnings: [],
        },
        {
          content: [{ type: 'text', text: 'The sum is 3.' }],
          finishReason: { unified: 'stop', raw: 'STOP' },
          usage: step,
          warnings: [],
        },
      ],
    });
    await underTask(tracer, () =>
      generateText({
        model,
        prompt: 'add 1 and 2',
        tools,
        stopWhen: stepCountIs(3),
        experimental_telemetry: { isEnabled: true, tracer },
      }),
    );
    const [event] = await h.flushEvents();
    expect(event).toMatchObject({
      model: 'gemini-2.5-flash',
      provider: 'google',
      actual_input_tokens: 24_000,
      actual_output_tokens: 4_000,
      // gemini-2.5-flash: input 0.3, cache read 0.03, output 2.5 ($/MTok); thoughts are output.
      actual_cost_usd_micros: 2 * (8_000 * 0.3 + 4_000 * 0.03 + 2_000 * 2.5), // 15,040
    });
  });
});

import { OpenTelemetry } from '@ai-sdk/otel';
import {
  createMosaicSpanProcessor,
  type MosaicSpanProcessor,
} from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

// AI SDK 7 run for real (MockLanguageModelV4 stands in for the provider only), its OpenTelemetry
// integration (@ai-sdk/otel, GenAI semantic conventions) tracing into a 3.x TracerProvider, under
// a task span: the task's event must carry exactly the sum of its model calls.

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  manager.disable();
  context.disable();
});

function usage(input: number, output: number) {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

const tools = {
  add: tool({
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => a + b,
  }),
};

/** Two steps: a tool call, then the answer (120+160 input, 15+9 output tokens). */
function generatingModel() {
  return new MockLanguageModelV4({
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
  return new MockLanguageModelV4({
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

describe('AI SDK 7 under a task span on the OTel SDK 3.x', () => {
  let server: RecordingServer;
  let processor: MosaicSpanProcessor;
  let provider: TracerProvider;
  beforeEach(async () => {
    server = await startRecordingServer();
    processor = createMosaicSpanProcessor(testConfig(server.url)) as MosaicSpanProcessor;
    provider = new TracerProvider({ spanProcessors: [processor as unknown as SpanProcessor] });
  });
  afterEach(async () => {
    await provider.shutdown();
    await server.close();
  });

  /** Runs `work` inside a task span and returns the one event delivered for it. */
  async function underTask(work: (telemetry: OpenTelemetry) => Promise<unknown>) {
    const tracer = provider.getTracer('ai');
    const task = tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'implementation' } });
    await context.with(trace.setSpan(ROOT_CONTEXT, task), () =>
      work(new OpenTelemetry({ tracer })),
    );
    task.end();
    await provider.forceFlush();
    expect(server.events()).toHaveLength(1);
    const [event] = server.events();
    expect(validateTaskCompletionEvent(event)).toEqual([]);
    expect(processor.trackedSpanCount).toBe(0);
    return event;
  }

  describe('generateText', () => {
    it('folds the tokens of both model calls, not the agent total again', async () => {
      const event = await underTask((integration) =>
        generateText({
          model: generatingModel(),
          prompt: 'add 1 and 2',
          tools,
          stopWhen: stepCountIs(3),
          telemetry: { integrations: integration },
        }),
      );
      expect(event).toMatchObject({
        actual_input_tokens: 280,
        actual_output_tokens: 24,
        model: 'gpt-4o-mini',
        provider: 'openai',
      });
    });
  });

  describe('streamText', () => {
    it('folds the tokens of both streamed calls', async () => {
      const event = await underTask(async (integration) => {
        const result = streamText({
          model: streamingModel(),
          prompt: 'add 2 and 3',
          tools,
          stopWhen: stepCountIs(3),
          telemetry: { integrations: integration },
        });
        await result.consumeStream();
      });
      expect(event).toMatchObject({
        actual_input_tokens: 165,
        actual_output_tokens: 42,
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
      });
    });
  });
});

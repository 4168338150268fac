import {
  createMosaicSpanProcessor,
  type MosaicSpanProcessor,
} from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  manager.disable();
  context.disable();
});

/** Attributes of one OTel GenAI chat call. */
const chat = (input: number, output: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('usage folding on the OTel SDK 3.x', () => {
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

  describe('of model calls beneath a task span', () => {
    it('sums the calls under explicit parent contexts into the task event', async () => {
      const tracer = provider.getTracer('app');
      const task = tracer.startSpan('task', {
        attributes: { 'mosaic.task.type': 'implementation' },
      });
      const inTask = trace.setSpan(ROOT_CONTEXT, task);
      const step = tracer.startSpan('agent step', {}, inTask);
      const inStep = trace.setSpan(inTask, step);
      tracer.startSpan('chat gpt-4o-mini', { attributes: chat(120, 15) }, inStep).end();
      tracer.startSpan('chat gpt-4o-mini', { attributes: chat(160, 9) }, inStep).end();
      step.end();
      // A call outside the task counts toward nothing.
      tracer.startSpan('chat gpt-4o-mini', { attributes: chat(999, 999) }).end();
      task.end();
      await provider.forceFlush();

      const [event] = server.events();
      expect(server.events()).toHaveLength(1);
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        actual_input_tokens: 280,
        actual_output_tokens: 24,
        model: 'gpt-4o-mini',
        provider: 'openai',
      });
      expect(processor.trackedSpanCount).toBe(0);
    });

    it('follows the 3.x async-hooks context manager through awaits', async () => {
      const tracer = provider.getTracer('app');
      await tracer.startActiveSpan(
        'task',
        { attributes: { 'mosaic.task.type': 'debugging' } },
        async (task) => {
          for (const [input, output] of [
            [50, 5],
            [70, 7],
          ] as const) {
            await new Promise((resolve) => setTimeout(resolve, 1));
            await tracer.startActiveSpan(
              'llm',
              { attributes: chat(input, output) },
              async (call) => {
                await Promise.resolve();
                call.end();
              },
            );
          }
          task.end();
        },
      );
      await provider.forceFlush();
      expect(server.events().map((e) => [e.actual_input_tokens, e.actual_output_tokens])).toEqual([
        [120, 12],
      ]);
      expect(processor.trackedSpanCount).toBe(0);
    });
  });
});

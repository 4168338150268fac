import { createRequire } from 'node:module';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, metrics, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type RecordedResponse,
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { CapturingSpanProcessor, type FixtureSpan, loadFixture } from '../support/span-fixture.js';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';

// The official `openai` client, instrumented by @opentelemetry/instrumentation-openai (OTel GenAI
// `chat` spans), talking to a loopback fake of the chat completions API.

const manager = new AsyncLocalStorageContextManager();
const instrumentation = new OpenAIInstrumentation();
// 0.21.0 declares its histogram fields as class fields, which reset the instruments its base
// constructor made (streamed calls then throw reading `record` of undefined): make them again.
instrumentation.setMeterProvider(metrics.getMeterProvider());
// Loaded with require after the instrumentation is enabled, so its require hook patches it.
const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');

let fake: RecordingServer;
let harness: TaskHarness | undefined;
beforeAll(async () => {
  context.setGlobalContextManager(manager.enable());
  fake = await startRecordingServer();
  fake.respondWith(answerChat);
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  instrumentation.disable();
  manager.disable();
  context.disable();
  await fake.close();
});

/** Usage the fake reports for a test's n-th request (0-based). */
const usageOf = (n: number) => ({ prompt_tokens: 100 * (n + 1), completion_tokens: 7 * (n + 1) });
/** Requests answered since the current test started. */
let served = 0;

/** Answers like the chat completions API: JSON, or SSE chunks ending in a usage chunk. */
function answerChat(req: RecordedRequest): RecordedResponse {
  const index = served++;
  const body = JSON.parse(req.body) as { stream?: boolean };
  const base = { id: `chatcmpl-${index}`, created: 1, model: 'gpt-4o-mini-2024-07-18' };
  const usage = { ...usageOf(index), total_tokens: 107 * (index + 1) };
  if (!body.stream) {
    const message = { role: 'assistant', content: 'ok' };
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message, finish_reason: 'stop' }],
        usage,
      }),
    };
  }
  const chunk = (rest: object) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...rest })}\n\n`;
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: [
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' } }] }),
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      chunk({ choices: [], usage }),
      'data: [DONE]\n\n',
    ].join(''),
  };
}

async function start() {
  const capture = new CapturingSpanProcessor();
  harness = await startTaskHarness({}, [capture]);
  instrumentation.setTracerProvider(harness.provider);
  served = 0;
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  return { h: harness, capture, client, tracer: harness.provider.getTracer('app') };
}

type Client = InstanceType<typeof OpenAI>;

/** Two plain completions and one streamed completion. */
async function runCalls(client: Client) {
  const messages = [{ role: 'user' as const, content: 'secret prompt' }];
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) {
    // drain
  }
}

function underTask(tracer: Tracer, fn: () => Promise<unknown>) {
  return tracer.startActiveSpan(
    'task',
    { attributes: { 'mosaic.task.type': 'debugging' } },
    async (span) => {
      await fn();
      span.end();
    },
  );
}

const shape = (spans: readonly FixtureSpan[]) =>
  spans.map(({ id, parent, name, scope }) => ({ id, parent, name, scope }));

describe('@opentelemetry/instrumentation-openai', () => {
  describe('chat.completions.create', () => {
    it('reports the sum of every chat span under the task span, streamed ones included', async () => {
      const { h, capture, client, tracer } = await start();
      await underTask(tracer, () => runCalls(client));
      const events = await h.flushEvents();

      const chats = capture.ended.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      const expected = [0, 1, 2].map(usageOf);
      expect(chats).toHaveLength(3);
      expect(chats.map((s) => s.attributes['gen_ai.usage.input_tokens'])).toEqual(
        expected.map((u) => u.prompt_tokens),
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        task_type: 'debugging',
        model: 'gpt-4o-mini',
        provider: 'openai',
        actual_input_tokens: expected.reduce((n, u) => n + u.prompt_tokens, 0),
        actual_output_tokens: expected.reduce((n, u) => n + u.completion_tokens, 0),
      });
      expect(validateTaskCompletionEvent(events[0])).toEqual([]);
      expect(h.processor.trackedSpanCount).toBe(0);
    });

    it('matches the captured fixture of its span tree', async () => {
      const { capture, client, tracer } = await start();
      await underTask(tracer, () => runCalls(client));
      const root = capture.ended.find((s) => s.name === 'task') as ReadableSpan;
      const captured = capture.fixtureUnder(root);
      const fixture = loadFixture(
        new URL('../fixtures/openai-chat.json', import.meta.url),
        captured,
      );
      expect(shape(captured)).toEqual(shape(fixture));
      expect(JSON.stringify(captured)).not.toMatch(/secret prompt/);
    });
  });
});

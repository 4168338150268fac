import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';
import { useContextManager } from './framework-harness.js';

// The plain OTel API as frameworks use it: a task span made active, a child started with the task
// as its live parent, and a model-call grandchild whose parent is handed over as a bare span
// context or as a framework's wrapper object. Through the real processor to a real event.

let harness: TaskHarness | undefined;
let teardown: () => void;
beforeAll(() => {
  teardown = useContextManager();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(() => teardown());

const CALL = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 10,
};

async function fold(parentOf: (child: Span) => Context) {
  harness = await startTaskHarness();
  const tracer = harness.provider.getTracer('app');
  tracer.startActiveSpan(
    'task',
    { attributes: { 'mosaic.task.type': 'implementation' } },
    (task) => {
      const child = tracer.startSpan('agent step');
      tracer.startSpan('chat gpt-4o-mini', { attributes: CALL }, parentOf(child)).end();
      child.end();
      task.end();
    },
  );
  const events = await harness.flushEvents();
  expect(harness.processor.trackedSpanCount).toBe(0);
  return events;
}

describe('pure OTel parents', () => {
  it('folds a grandchild whose parent is a bare span context: 100/10', async () => {
    const events = await fold((child) =>
      trace.setSpanContext(context.active(), child.spanContext()),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: 100,
      actual_output_tokens: 10,
      model: 'gpt-4o-mini',
      provider: 'openai',
    });
  });

  it('folds a grandchild whose parent is a wrapper object: 100/10', async () => {
    const events = await fold((child) => {
      const wrapper = { spanContext: () => child.spanContext(), isRecording: () => true };
      return trace.setSpan(context.active(), wrapper as unknown as Span);
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 100, actual_output_tokens: 10 });
  });
});

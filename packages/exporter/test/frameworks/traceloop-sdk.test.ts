import type { Context } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import * as traceloop from '@traceloop/node-server-sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe } from 'vitest';
import type { TaskHarness } from '../support/task-harness.js';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.js';
import { type EndedSpans, standardCases, startFrameworkHarness } from './framework-harness.js';

// @traceloop/node-server-sdk: `initialize` with our processor next to its own (its exporter kept in
// memory, its prompt sync off, only loopback URLs), its openai instrumentation, and its workflow
// and task wrappers around the calls. It starts its own NodeSDK provider and context manager.

/** Hands every span to the current test's Mosaic processor and span log. */
class CurrentProcessor implements SpanProcessor {
  current: { harness: TaskHarness; ended: EndedSpans } | undefined;
  onStart(span: Span, parentContext: Context): void {
    (this.current?.harness.processor as unknown as SpanProcessor | undefined)?.onStart(
      span,
      parentContext,
    );
  }
  onEnd(span: ReadableSpan): void {
    (this.current?.harness.processor as unknown as SpanProcessor | undefined)?.onEnd(span);
    this.current?.ended.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const forward = new CurrentProcessor();
let fake: FakeModelServer;
beforeAll(async () => {
  fake = await startFakeModelServer();
  traceloop.initialize({
    appName: 'framework-test',
    baseUrl: 'http://127.0.0.1:9',
    exporter: new InMemorySpanExporter(),
    processor: forward,
    disableBatch: true,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    traceContent: false,
    instrumentModules: { openAI: OpenAI },
  });
});
afterAll(async () => {
  await forward.current?.harness.close();
  await fake.close();
});

async function start() {
  await forward.current?.harness.close();
  const run = await startFrameworkHarness(fake);
  forward.current = run;
  // The task span comes from the global provider traceloop registered, like its own spans.
  return { ...run, tracer: trace.getTracer('app') };
}

const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });

describe('@traceloop/node-server-sdk', () => {
  standardCases({
    fake: () => fake,
    start,
    // A workflow with two tasks, each one chat completion.
    work: (prompt) =>
      traceloop.withWorkflow({ name: 'weather' }, async () => {
        const messages = [{ role: 'user' as const, content: prompt }];
        await traceloop.withTask({ name: 'ask' }, () =>
          client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
        );
        await traceloop.withTask({ name: 'ask again' }, () =>
          client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
        );
      }),
    expected: { models: ['gpt-4o-mini'], provider: 'openai' },
  });
});

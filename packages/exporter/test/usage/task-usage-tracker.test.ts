import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type {
  TaskUsage,
  TaskUsageStore,
  TrackedTaskUsage,
} from '../../src/conversion/task-usage.js';
import {
  TaskUsageTracker,
  type TaskUsageTrackerOptions,
} from '../../src/usage/task-usage-tracker.js';

const CALL = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' };

/** A tracker fed by a real provider, and helpers to start spans under a parent. */
function setup(options: TaskUsageTrackerOptions = {}) {
  const store: TaskUsageStore = new WeakMap();
  const tracker = new TaskUsageTracker(store, options);
  const feed: SpanProcessor = {
    onStart: (span, parentContext) =>
      tracker.onStart(span as unknown as ReadableSpan, parentContext),
    onEnd: (span) => tracker.onEnd(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({ spanProcessors: [feed] });
  const tracer = provider.getTracer('t');
  const start = (name: string, attributes: Attributes = {}, parent?: Span): Span =>
    tracer.startSpan(
      name,
      { attributes },
      parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent),
    );
  const task = (attributes: Attributes = {}, parent?: Span) =>
    start('task', { 'mosaic.task.type': 'implementation', ...attributes }, parent);
  const call = (parent: Span, input: number, output: number, model = 'gpt-4o'): Span => {
    const span = start(
      'chat',
      {
        ...CALL,
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
      },
      parent,
    );
    span.end();
    return span;
  };
  const usage = (span: Span): TaskUsage | undefined => store.get(span);
  /** 256 ordinary spans: the tracker reads its clock for aging once per 256 starts. */
  const sweep = () => {
    for (let i = 0; i < 256; i++) start('GET /').end();
  };
  return { tracker, provider, tracer, start, task, call, usage, sweep };
}

describe('TaskUsageTracker', () => {
  describe('onStart/onEnd', () => {
    it('tracks nothing while no task is live', () => {
      const { tracker, start } = setup();
      const span = start('GET /');
      expect(tracker.size).toBe(0);
      span.end();
    });

    it('sums the calls beneath a task and keeps the first model and provider', () => {
      const { tracker, task, call, usage } = setup();
      const root = task();
      call(root, 100, 10, 'gpt-4o');
      call(root, 200, 20, 'gpt-4o-mini');
      root.end();
      expect(usage(root)).toEqual({
        inputTokens: 300,
        outputTokens: 30,
        model: 'gpt-4o',
        provider: 'openai',
        calls: 2,
      });
      expect(tracker.size).toBe(0);
    });

    it('counts calls at any depth, through spans of no dialect', () => {
      const { task, start, call, usage } = setup();
      const root = task();
      const http = start('POST /agent', {}, root);
      const step = start('step', {}, http);
      call(step, 7, 3);
      step.end();
      http.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 7, outputTokens: 3, calls: 1 });
    });

    it('never adds a wrapper, whose usage is the total of its calls', () => {
      const { task, start, call, usage } = setup();
      const root = task();
      const agent = start(
        'invoke_agent',
        { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 30 },
        root,
      );
      call(agent, 10, 1);
      call(agent, 20, 2);
      agent.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 30, outputTokens: 3, calls: 2 });
    });

    it('takes the model an OpenInference call started with over the one it ended with', () => {
      const { task, start, usage } = setup();
      const root = task();
      // As OpenInference's OpenAI instrumentation does: the request model at the start, the
      // response model at the end, the request model also in the invocation parameters.
      const llm = (parameters: Attributes) => {
        const span = start(
          'OpenAI Chat Completions',
          { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', ...parameters },
          root,
        );
        span.setAttributes({
          'llm.model_name': 'gpt-4o-mini-2024-07-18',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 1,
        });
        span.end();
      };
      llm({});
      llm({ 'llm.invocation_parameters': '{"model":"gpt-4o-mini","temperature":0}' });
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 20, model: 'gpt-4o-mini', calls: 2 });
      const tracked = usage(root) as TrackedTaskUsage | undefined;
      expect(tracked?.requests?.().map((r) => r.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
    });

    it('counts only the innermost of two nested calls', () => {
      const { task, start, call, usage } = setup();
      const root = task();
      const outer = start(
        'ChatOpenAI',
        { 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 50 },
        root,
      );
      call(outer, 50, 5);
      outer.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 50, outputTokens: 5, calls: 1 });
    });

    it('counts an outer call whose inner call reported no tokens', () => {
      const { task, start, usage } = setup();
      const root = task();
      const outer = start(
        'ChatOpenAI',
        { 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 50 },
        root,
      );
      start('chat', CALL, outer).end();
      outer.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 50, calls: 1 });
    });

    it('skips embeddings', () => {
      const { task, start, usage } = setup();
      const root = task();
      start(
        'embeddings',
        { 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 99 },
        root,
      ).end();
      root.end();
      expect(usage(root)).toBeUndefined();
    });

    it('gives each nested task the calls beneath it and not those of its inner task', () => {
      const { tracker, task, call, usage } = setup();
      const outer = task();
      call(outer, 1, 1);
      const inner = task({ 'mosaic.task.type': 'testing' }, outer);
      call(inner, 100, 10);
      inner.end();
      call(outer, 2, 2);
      outer.end();
      expect(tracker.entries).toBe(0);
      expect(usage(outer)).toMatchObject({ inputTokens: 3, outputTokens: 3, calls: 2 });
      expect(usage(inner)).toMatchObject({ inputTokens: 100, outputTokens: 10, calls: 1 });
    });

    it('folds a call that ends after its task into that task', () => {
      const { tracker, task, start, usage } = setup();
      const root = task();
      const late = start('chat', { ...CALL, 'gen_ai.usage.input_tokens': 4 }, root);
      root.end();
      expect(tracker.size).toBe(1);
      late.end();
      expect(usage(root)).toMatchObject({ inputTokens: 4 });
      expect(tracker.size).toBe(0);
    });

    it('never folds the usage a nested task span carries into the task around it', () => {
      const { task, call, usage } = setup();
      const outer = task();
      const inner = task(
        { 'mosaic.task.type': 'testing', ...CALL, 'gen_ai.usage.input_tokens': 500 },
        outer,
      );
      inner.end();
      call(outer, 10, 1);
      outer.end();
      expect(usage(outer)).toMatchObject({ inputTokens: 10, outputTokens: 1, calls: 1 });
    });

    it('counts a call seen in two tasks once when its second span ends after both tasks', () => {
      // A framework that parents its run of a call in another task's trace, and ends that run
      // after both tasks (LangChain's background callbacks): the SDK's span, inner, counts.
      const { provider, task, usage } = setup();
      const sdk = provider.getTracer('sdk');
      const framework = provider.getTracer('framework');
      const mine = task();
      const other = task();
      const attributes = {
        ...CALL,
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
      };
      const run = framework.startSpan(
        'chat',
        { attributes, startTime: 1_000 },
        trace.setSpan(ROOT_CONTEXT, other),
      );
      sdk
        .startSpan('chat', { attributes, startTime: 1_001 }, trace.setSpan(ROOT_CONTEXT, mine))
        .end(1_002);
      mine.end();
      other.end();
      run.end(1_003);
      expect(usage(mine)).toMatchObject({ inputTokens: 7, outputTokens: 3, calls: 1 });
      expect(usage(other)?.inputTokens ?? 0).toBe(0);
    });

    it('tracks no span that starts under a parent that has ended', () => {
      const { tracker, task, start, usage } = setup();
      const root = task();
      const step = start('step', {}, root);
      const first = start('chat', { ...CALL, 'gen_ai.usage.input_tokens': 2 }, step);
      step.end();
      first.end();
      const late = start('chat', { ...CALL, 'gen_ai.usage.input_tokens': 5 }, step);
      start('other', {}, root).end();
      late.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 2, calls: 1 });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('sums calls that interleave under sibling spans and under nested tasks', () => {
      const { tracker, task, start, call, usage } = setup();
      const outer = task();
      const inner = task({ 'mosaic.task.type': 'testing' }, outer);
      const a = start('step a', {}, outer);
      const b = start('step b', {}, outer);
      for (let i = 0; i < 3; i++) {
        call(a, 1, 1);
        call(inner, 100, 100);
        call(b, 10, 10);
        call(outer, 1000, 1000);
      }
      expect(tracker.entries).toBe(4);
      for (const s of [a, b, inner, outer]) s.end();
      expect(usage(outer)).toMatchObject({ inputTokens: 3033, outputTokens: 3033, calls: 9 });
      expect(usage(inner)).toMatchObject({ inputTokens: 300, outputTokens: 300, calls: 3 });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('folds a call whose parent ended first and keeps nothing once it ends', () => {
      const { tracker, task, start, usage } = setup();
      const root = task();
      const step = start('step', {}, root);
      const late = start('chat', { ...CALL, 'gen_ai.usage.input_tokens': 4 }, step);
      step.end();
      root.end();
      expect(tracker.size).toBe(1);
      // The late call's entry and the step's, kept for its live child: the task's went with its
      // last child.
      expect(tracker.entries).toBe(2);
      late.end();
      expect(usage(root)).toMatchObject({ inputTokens: 4, calls: 1 });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('never writes to a span', () => {
      const { task, start, usage } = setup();
      const root = task();
      const attributes = {
        ...CALL,
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.usage.output_tokens': 1,
      };
      const child = start('chat', attributes, root);
      child.end();
      root.end();
      expect(usage(root)?.inputTokens).toBe(4);
      expect((child as unknown as ReadableSpan).attributes).toEqual(attributes);
      expect((root as unknown as ReadableSpan).attributes).toEqual({
        'mosaic.task.type': 'implementation',
      });
    });
  });

  describe('parents by span id', () => {
    /** A model call of 100/10 started under `parentContext`, ended. */
    function callUnder(tracer: Tracer, parentContext: Context): Span {
      const span = tracer.startSpan(
        'chat',
        {
          attributes: {
            ...CALL,
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 10,
          },
        },
        parentContext,
      );
      span.end();
      return span;
    }

    it('folds a grandchild whose parent is passed as a bare span context', () => {
      const { tracker, tracer, task, start, usage } = setup();
      const root = task();
      const child = start('agent', {}, root);
      callUnder(tracer, trace.setSpanContext(ROOT_CONTEXT, child.spanContext()));
      child.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 100, outputTokens: 10, calls: 1 });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('folds a grandchild whose parent is a wrapper object without attributes', () => {
      const { tracker, tracer, task, start, usage } = setup();
      const root = task();
      const child = start('agent', {}, root);
      // What some frameworks put in the context: their own object that only answers spanContext().
      const wrapper = { spanContext: () => child.spanContext(), isRecording: () => true };
      callUnder(tracer, trace.setSpan(ROOT_CONTEXT, wrapper as unknown as Span));
      child.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 100, outputTokens: 10, calls: 1 });
      expect(tracker.size).toBe(0);
    });

    it('follows bare span contexts five levels down', () => {
      const { tracker, tracer, task, usage } = setup();
      const root = task();
      const levels: Span[] = [];
      let parent: Span = root;
      for (let i = 0; i < 5; i++) {
        parent = tracer.startSpan(
          `wrapper ${i}`,
          {},
          trace.setSpanContext(ROOT_CONTEXT, parent.spanContext()),
        );
        levels.push(parent);
      }
      callUnder(tracer, trace.setSpanContext(ROOT_CONTEXT, parent.spanContext()));
      for (const level of levels.reverse()) level.end();
      root.end();
      expect(usage(root)).toMatchObject({ inputTokens: 100, outputTokens: 10, calls: 1 });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('tracks no span whose parent id is a task span of another trace', () => {
      const { tracker, tracer, task, usage } = setup();
      const root = task();
      const foreign = { ...root.spanContext(), traceId: 'f'.repeat(32), isRemote: true };
      callUnder(tracer, trace.setSpanContext(ROOT_CONTEXT, foreign));
      root.end();
      expect(usage(root)).toBeUndefined();
      expect(tracker.size).toBe(0);
    });
  });

  describe('bounds', () => {
    it('counts each unended span, keeps an entry per live tracked span, then none', () => {
      const { tracker, task, start } = setup();
      const root = task();
      const a = start('a', {}, root);
      const b = start('b', {}, a);
      expect(tracker.size).toBe(3);
      expect(tracker.entries).toBe(3);
      root.end();
      // The task ended, but its entry stays while a tracked child is live.
      expect(tracker.size).toBe(2);
      expect(tracker.entries).toBe(3);
      b.end();
      a.end();
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('stops tracking new spans at maxEntries and counts each one dropped', () => {
      const { tracker, task, start } = setup({ maxEntries: 3 });
      const root = task();
      const live = [start('a', {}, root), start('b', {}, root)];
      const over = [start('c', {}, root), start('d', {}, root)];
      expect(tracker.size).toBe(3);
      expect(tracker.dropped).toBe(2);
      for (const s of [...over, ...live, root]) s.end();
      expect(tracker.size).toBe(0);
    });

    it('tracks nothing beneath a span dropped at maxEntries and never uncounts it', () => {
      const { tracker, task, start, call, usage } = setup({ maxEntries: 2 });
      const root = task();
      const a = start('a', {}, root);
      const over = start('over', {}, root);
      expect(tracker.dropped).toBe(1);
      a.end();
      expect(tracker.size).toBe(1);
      call(over, 7, 7);
      expect(tracker.size).toBe(1);
      over.end();
      expect(tracker.size).toBe(1);
      root.end();
      expect(tracker.size).toBe(0);
      expect(usage(root)).toBeUndefined();
    });

    it('forgets spans that never end within two generations of maxAgeMs, so nothing leaks', () => {
      let now = 0;
      const { tracker, task, start, sweep } = setup({ maxAgeMs: 1000, now: () => now });
      const root = task();
      start('never-ends', {}, root);
      expect(tracker.size).toBe(2);
      // The clock is read every 256 tracker starts; ordinary spans outside the task drive it too.
      now = 1000;
      sweep();
      // A new generation began; what the one before made is kept through it.
      expect(tracker.size).toBe(2);
      now = 2000;
      sweep();
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
      expect(tracker.evicted).toBe(2);
      // Forgotten means forgotten: a span started under the task now is not tracked.
      const after = start('after', {}, root);
      expect(tracker.size).toBe(0);
      after.end();
      root.end();
      expect(tracker.size).toBe(0);
    });

    it("gives a forgotten task's borrowed chunks of call numbers back to the pool", () => {
      let now = 0;
      const { tracker, task, call, usage, sweep } = setup({ maxAgeMs: 1000, now: () => now });
      const root = task();
      // 33 calls fill one chunk of 32 and start a second.
      for (let i = 0; i < 33; i++) call(root, 10, 1);
      expect(tracker.borrowedChunks).toBe(2);
      now = 1000;
      sweep();
      expect(tracker.borrowedChunks).toBe(2);
      now = 2000;
      sweep();
      expect(tracker.evicted).toBe(1);
      expect(tracker.borrowedChunks).toBe(0);
      // Forgotten: the task ends with nothing stored, and borrows nothing more.
      root.end();
      expect(usage(root)).toBeUndefined();
      expect(tracker.borrowedChunks).toBe(0);
    });

    it('never forgets a span sooner than maxAgeMs after it started', () => {
      let now = 0;
      const { tracker, task, sweep } = setup({ maxAgeMs: 1000, now: () => now });
      now = 999;
      const root = task();
      now = 1000;
      sweep();
      now = 1998;
      sweep();
      expect(tracker.size).toBe(1);
      now = 2000;
      sweep();
      expect(tracker.size).toBe(0);
      root.end();
      expect(tracker.size).toBe(0);
    });

    it('makes room at maxEntries by evicting aged entries first', () => {
      let now = 0;
      const { tracker, task, start } = setup({ maxEntries: 2, maxAgeMs: 1000, now: () => now });
      const stale = task();
      start('never-ends', {}, stale);
      now = 1000;
      for (let i = 0; i < 256; i++) start('GET /').end();
      now = 2000;
      const fresh = task();
      expect(tracker.size).toBe(1);
      expect(tracker.dropped).toBe(0);
      fresh.end();
      stale.end();
      expect(tracker.size).toBe(0);
    });

    it('keeps entries younger than maxAgeMs through a sweep', () => {
      let now = 0;
      const { tracker, task, start } = setup({ maxAgeMs: 1000, now: () => now });
      const root = task();
      now = 999;
      for (let i = 0; i < 256; i++) start('GET /').end();
      expect(tracker.size).toBe(1);
      root.end();
    });
  });

  describe('many live spans', () => {
    it('keeps thousands of live spans apart and forgets them all once ended', () => {
      const { tracker, task, start, usage } = setup();
      const root = task();
      const steps = Array.from({ length: 3000 }, (_, i) => start(`step ${i}`, {}, root));
      const calls = steps.map((step, i) =>
        start(
          'chat',
          { ...CALL, 'gen_ai.usage.input_tokens': i, 'gen_ai.usage.output_tokens': 1 },
          step,
        ),
      );
      expect(tracker.size).toBe(6001);
      // End in an order unrelated to the start order: calls first, odd ones first.
      for (const parity of [1, 0]) {
        calls.forEach((c, i) => {
          if (i % 2 === parity) c.end();
        });
      }
      for (const step of steps.reverse()) step.end();
      root.end();
      expect(usage(root)).toMatchObject({
        inputTokens: (2999 * 3000) / 2,
        outputTokens: 3000,
        calls: 3000,
      });
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
    });

    it('evicts aged spans wherever they are kept, with everything beneath them', () => {
      let now = 0;
      const { tracker, task, start } = setup({ maxAgeMs: 1000, now: () => now });
      const root = task();
      const steps = Array.from({ length: 2000 }, (_, i) => start(`step ${i}`, {}, root));
      for (const step of steps) start('never-ends', {}, step);
      now = 1000;
      for (let i = 0; i < 256; i++) start('GET /').end();
      now = 2000;
      for (let i = 0; i < 256; i++) start('GET /').end();
      expect(tracker.size).toBe(0);
      expect(tracker.entries).toBe(0);
      expect(tracker.evicted).toBe(4001);
    });
  });

  describe('autoTasks', () => {
    it('makes an un-enclosed invoke_agent span a task when on', () => {
      const { tracker, start, call, usage } = setup({ autoTasks: true });
      const agent = start('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' });
      call(agent, 5, 5);
      agent.end();
      expect(tracker.takeAutoTask(agent)).toBe(true);
      // Asked once, as its span ends: then forgotten.
      expect(tracker.takeAutoTask(agent)).toBe(false);
      expect(usage(agent)).toMatchObject({ inputTokens: 5, outputTokens: 5 });
    });

    it('makes an agent span a task under a span in no task, while another task is live', () => {
      const { tracker, task, start, call, usage } = setup({ autoTasks: true });
      const other = task();
      const request = start('GET /agent', {});
      const agent = start('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' }, request);
      call(agent, 7, 3);
      agent.end();
      request.end();
      other.end();
      expect(tracker.takeAutoTask(request)).toBe(false);
      expect(tracker.takeAutoTask(agent)).toBe(true);
      expect(usage(agent)).toMatchObject({ inputTokens: 7, outputTokens: 3 });
      expect(usage(other)).toBeUndefined();
    });

    it('makes an agent span a task under a span in no task, with nothing tracked', () => {
      const { tracker, start, call, usage } = setup({ autoTasks: true });
      const request = start('GET /agent', {});
      const agent = start('ai.generateText', { 'ai.operationId': 'ai.generateText' }, request);
      call(agent, 2, 1);
      agent.end();
      request.end();
      expect(tracker.takeAutoTask(agent)).toBe(true);
      expect(usage(agent)).toMatchObject({ inputTokens: 2, outputTokens: 1 });
      expect(tracker.size).toBe(0);
    });

    it('leaves an invoke_agent span inside a task a descendant', () => {
      const { tracker, task, start, call, usage } = setup({ autoTasks: true });
      const root = task();
      const agent = start('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' }, root);
      call(agent, 5, 5);
      agent.end();
      root.end();
      expect(tracker.takeAutoTask(agent)).toBe(false);
      expect(usage(root)).toMatchObject({ inputTokens: 5 });
    });

    it('ignores agent spans when off', () => {
      const { tracker, start, call, usage } = setup();
      const agent = start('ai.generateText', {});
      expect(tracker.size).toBe(0);
      call(agent, 5, 5);
      agent.end();
      expect(tracker.takeAutoTask(agent)).toBe(false);
      expect(usage(agent)).toBeUndefined();
    });
  });
});

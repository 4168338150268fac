import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type TaskCompletionEvent,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTask } from '../../src/task/with-task.js';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';
import {
  type FakeModelServer,
  startFakeModelServer,
  taskMarker,
  type Usage,
} from './fake-model-server.js';

/** How the task span is the parent of the framework's work. */
export type ParentMode = 'active' | 'explicit';

/** Task types by position, so concurrent tasks' events can be told apart. */
const TASK_TYPES = ['implementation', 'testing', 'debugging', 'refactoring'] as const;

/** Installs an AsyncLocalStorage context manager for a test file; returns its teardown. */
export function useContextManager(): () => void {
  const manager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(manager.enable());
  return () => {
    manager.disable();
    context.disable();
  };
}

/** Records every span that ends, to explain a failed expectation. */
export class EndedSpans implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A task harness with an extra processor that keeps every ended span. */
export async function startFrameworkHarness(fake: FakeModelServer): Promise<{
  harness: TaskHarness;
  ended: EndedSpans;
  tracer: Tracer;
}> {
  fake.reset();
  const ended = new EndedSpans();
  const harness = await startTaskHarness({}, [ended]);
  return { harness, ended, tracer: harness.provider.getTracer('app') };
}

/** A test file's fake model API and harness, with the tracer its framework is handed. */
export interface FrameworkSuite {
  fake(): FakeModelServer;
  /** A fresh harness (the previous one closed); its tracer becomes `tracer()`. */
  start(): ReturnType<typeof startFrameworkHarness>;
  /** The tracer of the current harness, named `tracerName`. */
  tracer(): Tracer;
}

/**
 * Sets up a test file whose framework takes a tracer: a context manager and the loopback fake for
 * the file, one harness at a time, all closed after the file.
 */
export function useFrameworkSuite(tracerName: string): FrameworkSuite {
  let fake: FakeModelServer | undefined;
  let harness: TaskHarness | undefined;
  let tracer: Tracer | undefined;
  let teardown: (() => void) | undefined;
  beforeAll(async () => {
    teardown = useContextManager();
    fake = await startFakeModelServer();
  });
  afterAll(async () => {
    await harness?.close();
    teardown?.();
    await fake?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before the suite started`);
    return value;
  };
  return {
    fake: () => started(fake, 'the fake model API'),
    async start() {
      await harness?.close();
      const run = await startFrameworkHarness(started(fake, 'the fake model API'));
      harness = run.harness;
      tracer = run.harness.provider.getTracer(tracerName);
      return run;
    },
    tracer: () => started(tracer, 'the tracer'),
  };
}

/**
 * Runs `fn(prompt)` as task number `index` (its task type tells its event apart): under an active
 * task span (`withTask`), or under a task span started without becoming active and handed to the
 * work as an explicit parent context. The prompt carries the task's marker for the fake.
 */
export async function runTask(
  tracer: Tracer,
  mode: ParentMode,
  index: number,
  fn: (prompt: string) => Promise<unknown>,
): Promise<void> {
  const taskType = TASK_TYPES[index] as (typeof TASK_TYPES)[number];
  const prompt = `What is the weather in Paris? ${taskMarker(taskType)}`;
  if (mode === 'active') {
    await withTask({ 'mosaic.task.type': taskType }, () => fn(prompt), { tracer }).catch(
      () => undefined,
    );
    return;
  }
  const span = tracer.startSpan(
    'task',
    { attributes: { 'mosaic.task.type': taskType } },
    ROOT_CONTEXT,
  );
  try {
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () => fn(prompt));
    span.setAttribute('mosaic.task.outcome', 'success');
  } catch {
    span.setAttribute('mosaic.task.outcome', 'failure');
    span.setStatus({ code: SpanStatusCode.ERROR });
  } finally {
    span.end();
  }
}

/** The task type of task number `index` (also its marker name for the fake). */
export const taskName = (index: number): string => TASK_TYPES[index] as string;

/** What a task's event must say. */
export interface Expected {
  readonly models: readonly string[];
  readonly provider: string;
  readonly outcome?: 'success' | 'failure';
}

/**
 * Asserts the event of task `index` carries exactly the usage the fake answered for that task, a
 * model among `models`, the provider and the outcome, and that it is a valid event.
 */
export function expectTaskEvent(
  events: readonly TaskCompletionEvent[],
  fake: FakeModelServer,
  index: number,
  expected: Expected,
  ended?: EndedSpans,
): void {
  const name = taskName(index);
  const event = events.find((e) => e.task_type === name);
  const truth = fake.answered(name);
  const explain = () =>
    ended?.spans
      .map(
        (s) =>
          `${s.name} ${s.spanContext().spanId} <- ${s.parentSpanContext?.spanId} [${s.instrumentationScope.name}] ${JSON.stringify(
            Object.fromEntries(
              Object.entries(s.attributes).filter(([k]) =>
                /token|model|kind|provider|system|operation|usage/.test(k),
              ),
            ),
          )}`,
      )
      .join('\n');
  expect(event, `no event for ${name}\n${explain()}`).toBeDefined();
  const got = event as TaskCompletionEvent;
  expect(truth.calls, 'the fake answered no call for the task').toBeGreaterThan(0);
  expect(
    { input: got.actual_input_tokens, output: got.actual_output_tokens },
    `tokens of ${name} (fake answered ${truth.calls} calls)\n${explain()}`,
  ).toEqual({ input: truth.input, output: truth.output });
  expect(expected.models).toContain(got.model);
  expect(got.provider).toBe(expected.provider);
  expect(got.outcome).toBe(expected.outcome ?? 'success');
  expect(validateTaskCompletionEvent(got)).toEqual([]);
}

/**
 * The ES module a dependency itself imports, e.g. the `openai` that `@langchain/openai` loads
 * (a copy of its own, not the workspace's), so an instrumentation can patch that very copy.
 */
export async function importDependencyOf<T>(owner: string, dependency: string): Promise<T> {
  const require = createRequire(import.meta.url);
  let dir = dirname(createRequire(require.resolve(owner)).resolve(dependency));
  while (!existsSync(join(dir, 'package.json')) || readPackage(dir).name !== dependency) {
    dir = dirname(dir);
  }
  const dot = readPackage(dir).exports?.['.'];
  const esm = typeof dot === 'string' ? dot : (dot?.import ?? dot?.default ?? './index.mjs');
  const file = typeof esm === 'string' ? esm : (esm.default ?? './index.mjs');
  return (await import(pathToFileURL(join(dir, file)).href)) as T;
}

type Target = string | { default?: string };
interface PackageJson {
  name?: string;
  exports?: Record<string, string | { import?: Target; default?: string }>;
}

const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** How many model-call spans with token counts each instrumentation scope made. */
export function llmSpansByScope(ended: EndedSpans): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of ended.spans) {
    const a = span.attributes;
    const tokens =
      a['llm.token_count.prompt'] ?? a['gen_ai.usage.input_tokens'] ?? a['ai.usage.inputTokens'];
    if (tokens === undefined || a['openinference.span.kind'] === 'AGENT') continue;
    const scope = span.instrumentationScope.name;
    counts[scope] = (counts[scope] ?? 0) + 1;
  }
  return counts;
}

/**
 * A tracer provider whose tracers start spans with whichever provider is current, for
 * instrumentations that take their tracer once (each test has a provider of its own).
 */
export class SwitchingTracerProvider implements TracerProvider {
  current: TracerProvider | undefined;

  getTracer(name: string, version?: string): Tracer {
    const tracer = (): Tracer => {
      if (this.current === undefined) throw new Error('no current tracer provider');
      return this.current.getTracer(name, version);
    };
    return {
      startSpan: (...args: Parameters<Tracer['startSpan']>) => tracer().startSpan(...args),
      startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) =>
        (tracer().startActiveSpan as (...a: unknown[]) => unknown)(
          ...args,
        )) as Tracer['startActiveSpan'],
    };
  }
}

/** One framework under the standard cases. */
export interface FrameworkCases {
  /** The fake the framework talks to. */
  readonly fake: () => FakeModelServer;
  /** Per test: a fresh harness, with the framework's instrumentation pointed at it. */
  readonly start: () => Promise<{ harness: TaskHarness; ended: EndedSpans; tracer: Tracer }>;
  /** A task's work: the model calls made with `prompt` (the task's marker in it). */
  readonly work: (prompt: string) => Promise<unknown>;
  readonly expected: Expected;
}

/**
 * The four cases every framework runs: the task span active; the task span as an explicit parent
 * context; two concurrent tasks; a call failing with 500 after one succeeded (outcome failure,
 * the tokens of the call that succeeded).
 */
export function standardCases(c: FrameworkCases): void {
  for (const mode of ['active', 'explicit'] as ParentMode[]) {
    it(`folds every call under the task span (${mode === 'active' ? 'active' : 'explicit parent context'})`, async () => {
      const { harness, ended, tracer } = await c.start();
      await runTask(tracer, mode, 0, c.work);
      expectTaskEvent(await harness.flushEvents(), c.fake(), 0, c.expected, ended);
      expect(harness.processor.trackedSpanCount).toBe(0);
    });
  }

  it('keeps two concurrent tasks apart', async () => {
    const { harness, ended, tracer } = await c.start();
    await Promise.all([
      runTask(tracer, 'active', 0, c.work),
      runTask(tracer, 'explicit', 1, c.work),
    ]);
    const events = await harness.flushEvents();
    expectTaskEvent(events, c.fake(), 0, c.expected, ended);
    expectTaskEvent(events, c.fake(), 1, c.expected, ended);
  });

  it('reports a failure with the tokens of the calls that succeeded', async () => {
    const { harness, ended, tracer } = await c.start();
    await runTask(tracer, 'active', 0, async (prompt) => {
      await c.work(prompt);
      c.fake().failNext(taskName(0));
      await c.work(prompt);
    });
    expectTaskEvent(
      await harness.flushEvents(),
      c.fake(),
      0,
      { ...c.expected, outcome: 'failure' },
      ended,
    );
  });
}

/** A model's prices in USD per million tokens (= micros per token), as a test writes them out. */
export interface Prices {
  readonly input: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly output: number;
}

/**
 * The cost in USD micros of `calls` at `prices`: per call, uncached input, cache reads, cache
 * writes and output (reasoning included) at their prices, rounded to whole micros, then summed.
 */
export function expectedCostMicros(calls: readonly Usage[], prices: Prices): number {
  let total = 0;
  for (const c of calls) {
    total += Math.round(
      (c.input - c.cacheRead - c.cacheWrite) * prices.input +
        c.cacheRead * (prices.cacheRead ?? prices.input) +
        c.cacheWrite * (prices.cacheWrite ?? prices.input) +
        c.output * prices.output,
    );
  }
  return total;
}

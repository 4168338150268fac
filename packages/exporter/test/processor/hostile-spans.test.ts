import { type Context, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../../test/support/finished-spans.js';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { createMosaicSpanProcessor } from '../../src/processor/create-mosaic-span-processor.js';
import type { MosaicSpanProcessor } from '../../src/processor/mosaic-span-processor.js';

// Host code can break spans before our processor sees them (another processor registered first,
// or code holding the span): a throwing getter on any attribute key we read, attributes replaced by
// a Proxy that throws on every access, or a span whose methods and fields throw. Whatever it does,
// startSpan() and span.end() must not throw, and no tracked span may stay behind.

/** Every attribute key the processor, the tracker or the dialect reader looks at. */
const KEYS_WE_READ = [
  'mosaic.task.type',
  'gen_ai.operation.name',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.provider.name',
  'gen_ai.system',
  'openinference.span.kind',
  'llm.token_count.prompt',
  'llm.token_count.completion',
  'llm.model_name',
  'llm.provider',
  'llm.system',
  'llm.invocation_parameters',
  'traceloop.span.kind',
  'llm.request.type',
  'ai.usage.inputTokens',
  'ai.usage.outputTokens',
  'ai.usage.promptTokens',
  'ai.usage.completionTokens',
  'ai.usage.tokens',
  'ai.model.id',
  'ai.model.provider',
] as const;

/** Span members we read, replaced by throwing ones. */
const MEMBERS = [
  'attributes',
  'spanContext',
  'parentSpanContext',
  'name',
  'instrumentationScope',
  'startTime',
  'endTime',
] as const;

type Phase = 'start' | 'end';
type Sabotage =
  | { kind: 'none' }
  | { kind: 'getter'; key: string; phase: Phase }
  | { kind: 'proxy'; phase: Phase }
  | { kind: 'member'; member: (typeof MEMBERS)[number]; phase: Phase };

const boom = () => {
  throw new Error('hostile read');
};

function sabotage(span: ReadableSpan, plan: Sabotage): void {
  if (plan.kind === 'getter') {
    Object.defineProperty(span.attributes, plan.key, {
      get: boom,
      configurable: true,
      enumerable: true,
    });
  } else if (plan.kind === 'proxy') {
    Object.defineProperty(span, 'attributes', {
      value: new Proxy({}, { get: boom, has: boom, ownKeys: boom }),
      configurable: true,
    });
  } else if (plan.kind === 'member') {
    const value = plan.member === 'spanContext' ? boom : undefined;
    if (value !== undefined)
      Object.defineProperty(span, plan.member, { value, configurable: true });
    else Object.defineProperty(span, plan.member, { get: boom, configurable: true });
  }
}

/** A processor registered before ours that breaks spans as planned. */
class Saboteur implements SpanProcessor {
  readonly plans = new Map<string, Sabotage>();
  onStart(span: Span): void {
    const plan = this.plans.get((span as unknown as ReadableSpan).name);
    if (plan?.kind !== 'none' && plan?.phase === 'start')
      sabotage(span as unknown as ReadableSpan, plan);
  }
  onEnd(span: ReadableSpan): void {
    // Read the plan by a name captured at start: `name` may be the member broken.
    const plan = this.endPlans.get(span);
    if (plan?.kind !== 'none' && plan?.phase === 'end') sabotage(span, plan);
  }
  readonly endPlans = new WeakMap<object, Sabotage>();
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const arbPhase = fc.constantFrom<Phase>('start', 'end');
/** Members the SDK itself uses after start: breaking them from the start breaks the SDK, not us. */
const SDK_MEMBERS: ReadonlySet<string> = new Set(['spanContext', 'startTime', 'endTime']);

const arbSabotage: fc.Arbitrary<Sabotage> = fc.oneof(
  fc.constant<Sabotage>({ kind: 'none' }),
  fc.record({
    kind: fc.constant('getter' as const),
    key: fc.constantFrom(...KEYS_WE_READ),
    phase: arbPhase,
  }),
  fc.record({ kind: fc.constant('proxy' as const), phase: arbPhase }),
  fc
    .record({
      kind: fc.constant('member' as const),
      member: fc.constantFrom(...MEMBERS),
      phase: arbPhase,
    })
    .map((plan) => (SDK_MEMBERS.has(plan.member) ? { ...plan, phase: 'end' as const } : plan)),
);

/** A span of the scenario: under which earlier span (or the task, -1) and how it is passed. */
const arbNode = fc.record({
  parent: fc.nat(),
  bare: fc.boolean(),
  call: fc.boolean(),
  sabotage: arbSabotage,
});

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(async () => {
  await server.close();
});

describe('MosaicSpanProcessor', () => {
  describe('with hostile spans', () => {
    it('never throws from startSpan() or end() and leaves no tracked span behind', async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSabotage,
          fc.array(arbNode, { maxLength: 8 }),
          fc.boolean(),
          async (taskPlan, nodes, endTaskFirst) => {
            const saboteur = new Saboteur();
            const processor = createMosaicSpanProcessor(
              testConfig(server.url),
            ) as MosaicSpanProcessor;
            const provider = new BasicTracerProvider({
              spanProcessors: [saboteur, processor as unknown as SpanProcessor],
            });
            const tracer = provider.getTracer('hostile');
            const under = (parent: Span, bare: boolean): Context =>
              bare
                ? trace.setSpanContext(ROOT_CONTEXT, parent.spanContext())
                : trace.setSpan(ROOT_CONTEXT, parent);

            saboteur.plans.set('task', taskPlan);
            const task = tracer.startSpan('task', {
              attributes: { 'mosaic.task.type': 'testing' },
            });
            saboteur.endPlans.set(task, taskPlan);
            const spans: Span[] = [];
            const contexts: Span[] = [task];
            nodes.forEach((node, i) => {
              const name = `span ${i}`;
              saboteur.plans.set(name, node.sabotage);
              const parent = contexts[node.parent % contexts.length] as Span;
              const attributes = node.call
                ? {
                    'gen_ai.operation.name': 'chat',
                    'gen_ai.request.model': 'gpt-4o',
                    'gen_ai.usage.input_tokens': 10 + i,
                    'gen_ai.usage.output_tokens': 1,
                  }
                : {};
              // Nothing thrown here: the SDK and our processor take whatever the saboteur did.
              const span = tracer.startSpan(name, { attributes }, under(parent, node.bare));
              saboteur.endPlans.set(span, node.sabotage);
              spans.push(span);
              contexts.push(span);
            });
            if (endTaskFirst) task.end();
            for (const span of spans.reverse()) span.end();
            if (!endTaskFirst) task.end();

            expect(processor.trackedSpanCount).toBe(0);
            await provider.forceFlush();
            await provider.shutdown();
          },
        ),
        { numRuns: 200 },
      );
    });

    it('counts and logs spans it could not read', async () => {
      const processor = createMosaicSpanProcessor(testConfig(server.url)) as MosaicSpanProcessor;
      const saboteur = new Saboteur();
      const provider = new BasicTracerProvider({
        spanProcessors: [saboteur, processor as unknown as SpanProcessor],
      });
      const plan: Sabotage = { kind: 'getter', key: 'mosaic.task.type', phase: 'start' };
      saboteur.plans.set('task', plan);
      const task = provider
        .getTracer('hostile')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } });
      saboteur.endPlans.set(task, plan);
      task.end();
      expect(processor.unreadableSpanCount).toBe(2);
      expect(processor.trackedSpanCount).toBe(0);
      await provider.shutdown();
    });
  });
});

import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { MosaicDeliveryError } from '@mosaicstack/telemetry-exporter';
import { Provider, validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { type Attributes, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelCall } from '../../packages/exporter/src/usage/llm-call-usage.js';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { finishedSpans } from '../support/finished-spans.js';

const WIRE: ReadonlySet<string> = new Set(Object.values(Provider));

/** Names an object-literal table inherits, bare and as dotted framework names. */
const PROTOTYPE_NAMES = [
  ...Object.getOwnPropertyNames(Object.prototype),
  'constructor.chat',
  '__proto__.chat',
  'constructor.prototype',
  'prototype',
];

/**
 * Where a span value names a provider or a model-call kind: on the task itself, or on a model-call
 * child that is folded into a task naming no provider. `expected` is the event's provider.
 */
interface Placement {
  readonly name: string;
  readonly task: (value: string) => Attributes;
  readonly child?: {
    readonly spanName: string;
    readonly attributes: (value: string) => Attributes;
  };
  /** Whether the child's tokens (7 in, 3 out) are folded into the task. */
  readonly folded: boolean;
}

const PLACEMENTS: readonly Placement[] = [
  {
    name: 'task gen_ai.provider.name',
    task: (v) => ({ 'gen_ai.provider.name': v }),
    folded: false,
  },
  { name: 'task gen_ai.system', task: (v) => ({ 'gen_ai.system': v }), folded: false },
  {
    name: "child's gen_ai.system",
    task: () => ({}),
    child: {
      spanName: 'chat',
      attributes: (v) => ({
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': v,
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
      }),
    },
    folded: true,
  },
  {
    name: "child's gen_ai.provider.name",
    task: () => ({}),
    child: {
      spanName: 'chat',
      attributes: (v) => ({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': v,
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
      }),
    },
    folded: true,
  },
  {
    name: "AI SDK child's ai.model.provider",
    task: () => ({}),
    child: {
      spanName: 'ai.generateText.doGenerate',
      attributes: (v) => ({
        'ai.model.provider': v,
        'ai.model.id': 'some-model',
        'ai.usage.inputTokens': 7,
        'ai.usage.outputTokens': 3,
      }),
    },
    folded: true,
  },
];

/** A child whose kind is named by the hostile value: no known kind, so no model call. */
const KIND_PLACEMENTS: readonly Placement[] = [
  {
    name: "child's gen_ai.operation.name",
    task: () => ({ 'gen_ai.provider.name': 'anthropic' }),
    child: {
      spanName: 'op',
      attributes: (v) => ({
        'gen_ai.operation.name': v,
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
      }),
    },
    folded: false,
  },
  {
    name: "child's openinference.span.kind",
    task: () => ({ 'gen_ai.provider.name': 'anthropic' }),
    child: {
      spanName: 'op',
      attributes: (v) => ({
        'openinference.span.kind': v,
        'llm.provider': 'openai',
        'llm.token_count.prompt': 7,
        'llm.token_count.completion': 3,
      }),
    },
    folded: false,
  },
];

interface Case {
  readonly value: string;
  readonly placement: Placement;
}

/**
 * Records one task per case (numbered by `mosaic.tokens.estimated_input`), delivers them to the
 * real devserver and returns the stored events by case number.
 */
async function deliver(server: DevServer, cases: readonly Case[]) {
  const errors: MosaicDeliveryError[] = [];
  const processor = processorWithFastRetries(
    {
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      submitIntervalMs: 60_000,
      onError: (e) => errors.push(e),
    },
    10,
  );
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('hostile-names');
  const before = server.countEvents();
  cases.forEach(({ value, placement }, i) => {
    const task = tracer.startSpan('task', {
      attributes: {
        'mosaic.task.type': 'implementation',
        'gen_ai.request.model': 'm',
        'mosaic.tokens.estimated_input': i,
        ...placement.task(value),
      },
    });
    if (placement.child !== undefined) {
      tracer
        .startSpan(
          placement.child.spanName,
          { attributes: placement.child.attributes(value) },
          trace.setSpan(context.active(), task),
        )
        .end();
    }
    task.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
  const stored = server.listEvents().slice(before);
  const byCase = new Map(stored.map((e) => [e.estimated_input_tokens, e]));
  return { stored, byCase, errors };
}

describe('createMosaicSpanProcessor', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ rateLimit: false });
  });
  afterAll(async () => {
    await server.close();
  });

  describe('span values named like Object.prototype members', () => {
    it('reports them as the custom provider, and the devserver stores every event', async () => {
      const cases = PLACEMENTS.flatMap((placement) =>
        PROTOTYPE_NAMES.map((value) => ({ value, placement })),
      );
      const { stored, byCase, errors } = await deliver(server, cases);
      expect(errors).toEqual([]);
      expect(stored).toHaveLength(cases.length);
      cases.forEach(({ value, placement }, i) => {
        const event = byCase.get(i);
        const where = `${placement.name} = ${JSON.stringify(value)}`;
        expect(validateTaskCompletionEvent(event), where).toEqual([]);
        expect(event?.provider, where).toBe('custom');
        expect(event?.actual_input_tokens, where).toBe(placement.folded ? 7 : 0);
      });
    });

    it('treats them as no model call when they name the kind of a span', async () => {
      const cases = KIND_PLACEMENTS.flatMap((placement) =>
        PROTOTYPE_NAMES.map((value) => ({ value, placement })),
      );
      const { stored, byCase, errors } = await deliver(server, cases);
      expect(errors).toEqual([]);
      expect(stored).toHaveLength(cases.length);
      cases.forEach(({ value, placement }, i) => {
        const event = byCase.get(i);
        const where = `${placement.name} = ${JSON.stringify(value)}`;
        expect(validateTaskCompletionEvent(event), where).toEqual([]);
        expect(event?.provider, where).toBe('anthropic');
        expect([event?.actual_input_tokens, event?.actual_output_tokens], where).toEqual([0, 0]);
      });
    });
  });

  describe('arbitrary provider strings', () => {
    it('always map to a wire value that the devserver stores', async () => {
      const value = fc.oneof(
        fc.string(),
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom(...PROTOTYPE_NAMES).map((n) => `${n}.${n}`),
        fc.string({ unit: 'binary', maxLength: 20 }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ value, placement: fc.constantFrom(...PLACEMENTS) }), {
            minLength: 1,
            maxLength: 20,
          }),
          async (cases) => {
            const { stored, byCase } = await deliver(server, cases);
            expect(stored).toHaveLength(cases.length);
            cases.forEach((_, i) => {
              const event = byCase.get(i);
              expect(validateTaskCompletionEvent(event)).toEqual([]);
              expect(WIRE.has(String(event?.provider))).toBe(true);
            });
          },
        ),
        { numRuns: 20 },
      );
    });
  });
});

describe('readModelCall', () => {
  describe('a kind named like an Object.prototype member', () => {
    it('is no model call, in the OTel GenAI and OpenInference dialects', () => {
      const spans = finishedSpans(
        PROTOTYPE_NAMES.flatMap((value) => [
          {
            name: 'op',
            attributes: { 'gen_ai.operation.name': value, 'gen_ai.usage.input_tokens': 7 },
          },
          {
            name: 'op',
            attributes: { 'openinference.span.kind': value, 'llm.token_count.prompt': 7 },
          },
        ]),
      );
      expect(spans).toHaveLength(PROTOTYPE_NAMES.length * 2);
      for (const span of spans) {
        expect(readModelCall(span), JSON.stringify(span.attributes)).toBeUndefined();
      }
    });
  });
});

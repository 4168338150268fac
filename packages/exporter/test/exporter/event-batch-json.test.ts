import {
  QualityGate,
  TASK_SPAN_ATTRIBUTE_ALLOWLIST,
  type TaskCompletionEvent,
  TaskType,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { SpanStatusCode } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishedSpans } from '../../../../test/support/finished-spans.js';
import { spanRecordOf } from '../../src/conversion/span-record.js';
import { toTaskEvent } from '../../src/conversion/span-to-event.js';
import type { TaskUsage } from '../../src/conversion/task-usage.js';
import { eventBatchJson } from '../../src/exporter/event-batch-json.js';

const INSTANCE = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

/** Strings of every shape: ascii, full unicode, lone surrogates, control characters, blank, long. */
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '"\\', '\ud800', '\u{1F600}'.repeat(60), ' Testing '),
);

/** Any value an attribute of the allowlist might hold, well-formed or not. */
const anyValue = fc.oneof(
  anyString,
  fc.constantFrom(...Object.values(TaskType), 'anthropic', 'gcp.vertex_ai', 'claude-sonnet-4-5'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.constantFrom(...Object.values(QualityGate), ' LINT ', 'nonsense'), { maxLength: 8 }),
  fc.array(anyString, { maxLength: 3 }),
);

/** A map of allowlisted keys to arbitrary values. */
const allowlistedAttributes = fc.dictionary(
  fc.constantFrom(...TASK_SPAN_ATTRIBUTE_ALLOWLIST),
  anyValue,
  {
    maxKeys: TASK_SPAN_ATTRIBUTE_ALLOWLIST.length,
  },
);

/** Events as the exporter makes them: real SDK spans through spanRecordOf and toTaskEvent. */
function eventsOf(
  specs: Array<{ attributes: Record<string, unknown>; usage?: TaskUsage; error?: boolean }>,
  instanceId = INSTANCE,
): TaskCompletionEvent[] {
  const spans = finishedSpans(
    specs.map((spec) => ({
      attributes: spec.attributes as never,
      ...(spec.error ? { status: SpanStatusCode.ERROR } : {}),
    })),
  );
  return spans.map((span, i) =>
    toTaskEvent(spanRecordOf(span), {
      instanceId,
      harness: 'claude_code',
      usage: specs[i]?.usage,
      onCorrection: () => {},
    }),
  );
}

const usageOf = (model: string): TaskUsage => ({
  inputTokens: 1200,
  outputTokens: 300,
  model,
  provider: 'openai',
});

/** Free text that JSON must escape, or that tempts a writer to get it wrong. */
const TRICKY = [
  'plain-model-1',
  'quote " and backslash \\ and slash /',
  'control \u0000 \u0001 \b \f \n \r \t \u001f end',
  'unicode é ü ß 漢字 and emoji 😀',
  'separators \u2028 \u2029',
  'lone surrogates \ud800 and \udfff',
  '</script><!--',
  '{"events":[]}',
];

describe('eventBatchJson', () => {
  describe('body', () => {
    it('writes byte for byte what JSON.stringify writes, for events of any attributes', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              attributes: allowlistedAttributes,
              usage: fc.option(anyString.map(usageOf), { nil: undefined }),
              error: fc.boolean(),
            }),
            { minLength: 1, maxLength: 8 },
          ),
          (specs) => {
            const events = eventsOf(specs);
            expect(eventBatchJson(events)).toBe(JSON.stringify({ events }));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('escapes quotes, backslashes, control characters and lone surrogates in free text', () => {
      const events = eventsOf(
        TRICKY.map((text) => ({
          attributes: {
            'mosaic.task.type': 'testing',
            'gen_ai.request.model': text,
            'mosaic.task.language': text.slice(0, 30),
          },
        })),
      );
      const body = eventBatchJson(events);
      expect(body).toBe(JSON.stringify({ events }));
      const parsed = JSON.parse(body) as { events: TaskCompletionEvent[] };
      expect(parsed.events.map((e) => e.model)).toEqual(events.map((e) => e.model));
      expect(parsed.events.map((e) => e.language)).toEqual(events.map((e) => e.language));
      for (const event of parsed.events) expect(validateTaskCompletionEvent(event)).toEqual([]);
    });

    it('keeps up when the free text changes from one event and one batch to the next', () => {
      const first = eventsOf(
        ['a', 'b"', 'a', 'a', 'c\n', 'b"'].map((model) => ({
          attributes: { 'gen_ai.request.model': model, 'mosaic.task.language': `${model}!` },
        })),
      );
      const second = eventsOf(
        [{ attributes: { 'gen_ai.request.model': 'a' } }],
        '7d444840-9dc0-11d1-b245-5ffdce74fad2',
      );
      expect(eventBatchJson(first)).toBe(JSON.stringify({ events: first }));
      expect(eventBatchJson(second)).toBe(JSON.stringify({ events: second }));
      expect(eventBatchJson(first)).toBe(JSON.stringify({ events: first }));
    });

    it('writes the schema fields and nothing else, whatever the span carries', () => {
      const [event] = eventsOf([
        {
          attributes: {
            'mosaic.task.type': 'debugging',
            'mosaic.quality.gates_run': ['build', 'lint'],
            'mosaic.quality.gates_failed': ['lint'],
            'mosaic.context.utilization': 0.625,
            'gen_ai.prompt': 'SECRET',
          },
        },
      ]);
      const body = JSON.parse(eventBatchJson([event as TaskCompletionEvent])) as {
        events: Record<string, unknown>[];
      };
      expect(Object.keys(body)).toEqual(['events']);
      expect(Object.keys(body.events[0] ?? {})).toEqual(Object.keys(event ?? {}));
      expect(validateTaskCompletionEvent(body.events[0])).toEqual([]);
      expect(JSON.stringify(body)).not.toContain('SECRET');
    });

    it('writes an empty batch as JSON.stringify does', () => {
      expect(eventBatchJson([])).toBe('{"events":[]}');
    });
  });
});

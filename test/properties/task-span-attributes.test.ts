import { randomUUID } from 'node:crypto';
import type { MosaicDeliveryError } from '@mosaicstack/telemetry-exporter';
import {
  TASK_COMPLETION_EVENT_FIELDS,
  TaskType,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { type Attributes, context, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { captureDiag } from '../support/captured-diag.js';
import { testConfig } from '../support/finished-spans.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import {
  allowlistedAttributes,
  anyAttributeValue,
  anyNumber,
  foreignAttributes,
} from './arbitraries.js';

/** Planted in every non-allowlisted key or value: it must never reach a request body. */
const MARKER = `LEAK${randomUUID().slice(0, 8)}`;
const FIELDS: ReadonlySet<string> = new Set(TASK_COMPLETION_EVENT_FIELDS);

const spanSpec = fc.record({
  allowlisted: allowlistedAttributes,
  foreign: foreignAttributes(MARKER),
  taskType: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(TaskType)) },
    { weight: 1, arbitrary: anyAttributeValue },
  ),
  status: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR),
  /** Epoch ms of start and end, in any order; undefined = now. */
  startMs: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
  endMs: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
  /** Model-call children with arbitrary (allowlisted and foreign) attributes. */
  children: fc.array(
    fc.record({ allowlisted: allowlistedAttributes, foreign: foreignAttributes(MARKER) }),
    { maxLength: 3 },
  ),
  eventValue: anyNumber,
});

/** Request bodies of one run: what the server received, or what dry run logged instead. */
function bodiesOf(requests: readonly { body: string }[], logged: readonly string[]): string[] {
  const dry = logged
    .filter((line) => line.includes('dry run: POST'))
    .map((line) => line.slice(line.indexOf('{"events"')));
  return [...requests.map((r) => r.body), ...dry];
}

describe('createMosaicSpanProcessor', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('task spans with arbitrary attributes', () => {
    it('emits one valid event per task span, with only schema fields and nothing not allowlisted, and never throws', async () => {
      const config = testConfig(server.url);
      const diag = captureDiag();
      const errors: MosaicDeliveryError[] = [];
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(spanSpec, { minLength: 1, maxLength: 4 }),
            fc.boolean(),
            async (specs, dryRun) => {
              const first = server.requests.length;
              const firstLine = diag.lines.length;
              const processor = processorWithFastRetries(
                { ...config, dryRun, onError: (e) => errors.push(e) },
                1,
              );
              const provider = new BasicTracerProvider({ spanProcessors: [processor] });
              const tracer = provider.getTracer(`tracer-${MARKER}`);
              const ended: ReadableSpan[] = [];
              // Every call the host makes into the SDK (and so into us) must return normally.
              for (const spec of specs) {
                const task = tracer.startSpan(`name-${MARKER}`, {
                  attributes: {
                    ...spec.foreign,
                    ...spec.allowlisted,
                    'mosaic.task.type': spec.taskType,
                  } as Attributes,
                  ...(spec.startMs === undefined ? {} : { startTime: spec.startMs }),
                });
                const parent = trace.setSpan(context.active(), task);
                for (const child of spec.children) {
                  // A child may carry mosaic.task.type too: then it is a nested task of its own.
                  const span = tracer.startSpan(
                    'chat',
                    { attributes: { ...child.foreign, ...child.allowlisted } as Attributes },
                    parent,
                  );
                  span.end();
                  ended.push(span as unknown as ReadableSpan);
                }
                task.addEvent(`event-${MARKER}`, { [MARKER]: spec.eventValue });
                task.setAttribute(`late-${MARKER}`, MARKER);
                task.setStatus({ code: spec.status, message: MARKER });
                task.end(spec.endMs);
                ended.push(task as unknown as ReadableSpan);
              }
              await provider.forceFlush();
              await provider.shutdown();

              const tasks = ended.filter((s) => s.attributes['mosaic.task.type'] !== undefined);
              const bodies = bodiesOf(server.requests.slice(first), diag.lines.slice(firstLine));
              if (dryRun) expect(server.requests.length).toBe(first);
              const events: Array<Record<string, unknown>> = [];
              for (const body of bodies) {
                expect(body).not.toContain(MARKER);
                expect(body).not.toContain(config.apiKey);
                expect(body).not.toContain('Bearer');
                const parsed = JSON.parse(body) as { events: Array<Record<string, unknown>> };
                expect(Object.keys(parsed)).toEqual(['events']);
                events.push(...parsed.events);
              }
              expect(events).toHaveLength(tasks.length);
              for (const event of events) {
                expect(validateTaskCompletionEvent(event)).toEqual([]);
                expect(Object.keys(event).filter((k) => !FIELDS.has(k))).toEqual([]);
              }
            },
          ),
          { numRuns: 250 },
        );
      } finally {
        diag.stop();
      }
      const logged = [...diag.lines, ...errors.map((e) => e.message)];
      expect(logged.filter((line) => line.includes(config.apiKey))).toEqual([]);
      // Delivery to a healthy server: nothing to report.
      expect(errors).toEqual([]);
    });
  });
});

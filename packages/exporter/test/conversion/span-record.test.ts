import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { finishedSpans } from '../../../../test/support/finished-spans.js';
import { type SpanRecord, spanRecordOf } from '../../src/conversion/span-record.js';
import { toTaskEvent } from '../../src/conversion/span-to-event.js';

const CTX = {
  instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
  harness: 'claude_code',
  onCorrection: () => {},
} as const;

describe('spanRecordOf', () => {
  describe('fields', () => {
    it('copies ids, parent, name, kind, times, status, attributes and scope of an SDK span', () => {
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(memory)],
      });
      const tracer = provider.getTracer('scope-a');
      const parent = tracer.startSpan('parent', { startTime: 1_700_000_000_000 });
      const child = tracer.startSpan(
        'child',
        { kind: SpanKind.CLIENT, startTime: 1_700_000_000_250, attributes: { a: 1 } },
        trace.setSpan(context.active(), parent),
      );
      child.setStatus({ code: SpanStatusCode.ERROR });
      child.end(1_700_000_001_750);
      parent.end(1_700_000_002_000);
      const [childSpan] = memory.getFinishedSpans();
      if (childSpan === undefined) throw new Error('no span');

      const record = spanRecordOf(childSpan);
      expect(record).toMatchObject({
        traceId: parent.spanContext().traceId,
        spanId: child.spanContext().spanId,
        parentSpanId: parent.spanContext().spanId,
        name: 'child',
        kind: SpanKind.CLIENT,
        startTimeMs: 1_700_000_000_250,
        endTimeMs: 1_700_000_001_750,
        statusCode: SpanStatusCode.ERROR,
        attributes: { a: 1 },
        scopeName: 'scope-a',
      });
      expect(record.resourceAttributes['service.name']).toBeTypeOf('string');
    });

    it('has no parent span id for a root span', () => {
      const [span] = finishedSpans([{ attributes: {} }]);
      if (span === undefined) throw new Error('no span');
      expect(spanRecordOf(span).parentSpanId).toBeUndefined();
    });
  });
});

describe('toTaskEvent', () => {
  describe('record sources', () => {
    it('gives a synthetic record the same event as the SDK span it copies', () => {
      const attributes = {
        'mosaic.task.type': 'testing',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 1200,
      };
      const [span] = finishedSpans([
        { attributes, startMs: 1_700_000_000_000, endMs: 1_700_000_012_345 },
      ]);
      if (span === undefined) throw new Error('no span');
      const synthetic: SpanRecord = {
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: undefined,
        name: 'task',
        kind: 0,
        startTimeMs: 1_700_000_000_000,
        endTimeMs: 1_700_000_012_345,
        statusCode: 0,
        attributes,
        resourceAttributes: {},
        scopeName: undefined,
      };
      expect(toTaskEvent(synthetic, CTX)).toEqual(toTaskEvent(spanRecordOf(span), CTX));
      expect(toTaskEvent(synthetic, CTX).task_duration_ms).toBe(12_345);
    });

    it('counts whole milliseconds of times decoded from nanoseconds without losing one to rounding', () => {
      // Nanosecond timestamps (as OTLP carries them) divided into milliseconds: the doubles differ
      // by 97528.9997... although the spans are exactly 97529 ms apart.
      const startNs = 1_700_519_404_791_966_682n;
      const endNs = startNs + 97_529_000_000n;
      const record: SpanRecord = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        parentSpanId: undefined,
        name: 'task',
        kind: 0,
        startTimeMs: Number(startNs) / 1e6,
        endTimeMs: Number(endNs) / 1e6,
        statusCode: 0,
        attributes: { 'mosaic.task.type': 'testing' },
        resourceAttributes: {},
        scopeName: undefined,
      };
      expect(toTaskEvent(record, CTX).task_duration_ms).toBe(97_529);
    });
  });
});

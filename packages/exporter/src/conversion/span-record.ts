import type { Attributes } from '@opentelemetry/api';
import { hrTimeToMillis } from '../otel/hr-time.js';
import type { ReadableSpanLike } from '../otel/otel-types.js';

/**
 * A finished span, independent of where it came from: an OTel SDK `ReadableSpan` (see
 * {@link spanRecordOf}) or a span decoded from OTLP. The one input of `toTaskEvent` and
 * `readModelCall`, so every source goes through one converter and one usage reader.
 */
export interface SpanRecord {
  /** 32 lower-case hex characters. */
  readonly traceId: string;
  /** 16 lower-case hex characters. */
  readonly spanId: string;
  /** 16 hex characters; undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** `SpanKind` numbering of `@opentelemetry/api` (INTERNAL = 0 ... CONSUMER = 4). */
  readonly kind: number;
  /** Epoch milliseconds, fractional allowed. */
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  /** `SpanStatusCode`: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly attributes: Attributes;
  readonly resourceAttributes: Attributes;
  readonly scopeName: string | undefined;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * The record of an SDK span. Fields are copied, except the resource's attributes, read only when
 * asked for: an SDK resource may still be settling asynchronous attributes, and the event
 * conversion never needs them.
 */
class ReadableSpanRecord implements SpanRecord {
  // Declared, not defined: the constructor gives every record one shape, field by field.
  declare readonly traceId: string;
  declare readonly spanId: string;
  declare readonly parentSpanId: string | undefined;
  declare readonly name: string;
  declare readonly kind: number;
  declare readonly startTimeMs: number;
  declare readonly endTimeMs: number;
  declare readonly statusCode: number;
  declare readonly attributes: Attributes;
  declare readonly scopeName: string | undefined;
  declare private readonly source: ReadableSpanLike;

  constructor(span: ReadableSpanLike) {
    const context = span.spanContext();
    this.traceId = context.traceId;
    this.spanId = context.spanId;
    this.parentSpanId = span.parentSpanContext?.spanId;
    this.name = span.name;
    this.kind = span.kind ?? 0;
    this.startTimeMs = hrTimeToMillis(span.startTime);
    this.endTimeMs = hrTimeToMillis(span.endTime);
    this.statusCode = span.status?.code ?? 0;
    this.attributes = span.attributes ?? NO_ATTRIBUTES;
    this.scopeName = span.instrumentationScope?.name;
    this.source = span;
  }

  get resourceAttributes(): Attributes {
    return this.source.resource?.attributes ?? NO_ATTRIBUTES;
  }
}

/** Adapts a finished SDK span (2.x or 3.x) to a {@link SpanRecord}; never writes to the span. */
export function spanRecordOf(span: ReadableSpanLike): SpanRecord {
  return new ReadableSpanRecord(span);
}

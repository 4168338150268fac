import type { Type } from 'protobufjs';
import type { SpanRecord } from '../model/exporter-core.js';
import type { HeldSpan } from '../model/held-span.js';
import { MAX_KEPT_VALUE_CHARS } from '../model/kept-attributes.js';
import type { SpanFilter } from '../model/span-filter.js';
import type { DecodedBatch } from './decoded-batch.js';
import { hexId } from './hex-id.js';
import { LazyTraceTypes } from './lazy-trace-types.js';
import { nanosToMillis } from './nanos-to-millis.js';
import { cutString, type KeyValueLike, readAttributes } from './read-attributes.js';
import { reduceSpanText } from './reduce-span-text.js';

interface SpanLike {
  readonly traceId?: unknown;
  readonly spanId?: unknown;
  readonly parentSpanId?: unknown;
  readonly name?: unknown;
  readonly kind?: unknown;
  readonly startTimeUnixNano?: unknown;
  readonly endTimeUnixNano?: unknown;
  readonly status?: { readonly code?: unknown } | null;
  readonly attributes?: readonly KeyValueLike[] | null;
}

interface TracesRequestLike {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly KeyValueLike[] | null } | null;
    readonly scopeSpans?: ReadonlyArray<{
      readonly scope?: { readonly name?: unknown } | null;
      readonly spans?: readonly SpanLike[] | null;
    } | null> | null;
  } | null> | null;
}

const SPAN_KINDS: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** An OTLP enum as a number: protobuf gives numbers, OTLP/JSON numbers or (rarely) names. */
function enumValue(value: unknown, names: Readonly<Record<string, number>>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return names[value] ?? 0;
  return 0;
}

function readName(span: SpanLike): string {
  return typeof span.name === 'string' ? span.name : '';
}

/** One span's bytes as a message of this type, or undefined if they are not one. */
function decodeMessage<T>(type: Type, bytes: Uint8Array): T | undefined {
  try {
    return type.decode(bytes) as T;
  } catch {
    return undefined;
  }
}

function rejectReason(rejected: number, invalidBytes: number): string | undefined {
  if (rejected === 0) return undefined;
  const invalid = rejected - invalidBytes;
  const parts: string[] = [];
  if (invalidBytes > 0) parts.push(`${invalidBytes} spans that are not a valid Span protobuf`);
  if (invalid > 0) parts.push(`${invalid} spans without a valid traceId and spanId`);
  return parts.join(', ');
}

/** Decoded spans: held records of the spans a source reads, parent links of all the others. */
export interface DecodedSpans extends DecodedBatch<HeldSpan> {
  /** Flat triples: trace id, span id, parent span id ('' for a root). */
  readonly links: string[];
}

/**
 * Whether both are byte arrays with the same 16 bytes (a trace id). A plain loop: for ids this
 * short, `Buffer.equals`' call into C++ costs more than the comparison.
 */
function sameBytes(a: unknown, b: unknown): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a source reads a span of this name and these attributes (keys only, on the wire). */
function isRelevant(
  filter: SpanFilter,
  name: string,
  list: readonly KeyValueLike[] | null | undefined,
): boolean {
  if (filter.isRelevantName(name)) return true;
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) if (filter.isRelevantKey(list[i]?.key)) return true;
  return false;
}

/**
 * The spans of an `ExportTraceServiceRequest` (a protobufjs message or OTLP/JSON) as SpanRecords.
 * OTLP numbers span kinds from 1 (INTERNAL); `SpanRecord.kind` uses the API's numbering from 0.
 * A span without a valid trace or span id, or whose bytes are no Span, is refused and counted.
 * A span no source reads (`filter`: by name and attribute keys) is decoded as a parent link only
 * (`links`); of the others, and of their resources, only the attributes some source reads are kept
 * (`filter.kept`), names and values cut to their caps, and a tool call's free text is reduced to
 * its activity and dropped (`reduceSpanText`).
 */
export function decodeSpans(request: unknown, filter: SpanFilter): DecodedSpans {
  const records: HeldSpan[] = [];
  const links: string[] = [];
  let rejected = 0;
  let invalidBytes = 0;
  let lastRawTrace: unknown;
  let lastTraceId: string | undefined;
  const resources = (request as TracesRequestLike).resourceSpans;
  if (!Array.isArray(resources)) return { records, links, rejected, rejectReason: undefined };
  for (const rs of resources) {
    if (rs === null || typeof rs !== 'object') continue;
    const resourceAttributes = readAttributes(rs.resource?.attributes, filter.kept.resource);
    if (!Array.isArray(rs.scopeSpans)) continue;
    for (const ss of rs.scopeSpans) {
      if (ss === null || typeof ss !== 'object' || !Array.isArray(ss.spans)) continue;
      const scopeName =
        typeof ss.scope?.name === 'string'
          ? cutString(ss.scope.name, MAX_KEPT_VALUE_CHARS)
          : undefined;
      for (const entry of ss.spans as readonly unknown[]) {
        // Protobuf spans arrive as their bytes (`LazyTraceTypes`): the head first, and the whole
        // span only if a source reads it. OTLP/JSON spans arrive as objects.
        let span: SpanLike | undefined;
        let relevant: boolean | undefined;
        if (entry instanceof Uint8Array) {
          const head = decodeMessage<SpanLike>(LazyTraceTypes.spanHead, entry);
          relevant = head !== undefined && isRelevant(filter, readName(head), head.attributes);
          span = relevant ? decodeMessage<SpanLike>(LazyTraceTypes.span, entry) : head;
          if (span === undefined) invalidBytes++;
        } else if (entry !== null && typeof entry === 'object') span = entry as SpanLike;
        if (span === undefined) {
          rejected++;
          continue;
        }
        // Spans of a request mostly share a trace id: reuse the hex of the previous one.
        const rawTrace = span.traceId;
        let traceId: string | undefined;
        if (rawTrace === lastRawTrace || sameBytes(lastRawTrace, rawTrace)) {
          traceId = lastTraceId;
        } else {
          traceId = hexId(rawTrace, 16);
          lastRawTrace = rawTrace;
          lastTraceId = traceId;
        }
        const spanId = hexId(span.spanId, 8);
        if (traceId === undefined || spanId === undefined) {
          rejected++;
          continue;
        }
        const name = readName(span);
        const parentSpanId = hexId(span.parentSpanId, 8);
        if (!(relevant ?? isRelevant(filter, name, span.attributes))) {
          // A parent link is all any source needs of this span: its attributes are not read.
          links.push(traceId, spanId, parentSpanId ?? '');
          continue;
        }
        const startTimeMs = nanosToMillis(span.startTimeUnixNano);
        const end = nanosToMillis(span.endTimeUnixNano);
        const kind = enumValue(span.kind, SPAN_KINDS);
        const record: SpanRecord = {
          traceId,
          spanId,
          parentSpanId,
          name: cutString(name, MAX_KEPT_VALUE_CHARS),
          kind: kind > 0 ? kind - 1 : 0,
          startTimeMs,
          endTimeMs: Math.max(end, startTimeMs),
          statusCode: enumValue(span.status?.code, STATUS_CODES),
          attributes: readAttributes(span.attributes, filter.kept.span),
          resourceAttributes,
          scopeName,
        };
        records.push(reduceSpanText(record, filter));
      }
    }
  }
  return {
    records,
    links,
    rejected,
    rejectReason: rejectReason(rejected, invalidBytes),
  };
}

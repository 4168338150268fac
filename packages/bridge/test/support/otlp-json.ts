import { randomBytes } from 'node:crypto';

/** A plain attribute map as OTLP/JSON `KeyValue[]` (ints as strings, as the spec writes them). */
export function keyValues(attrs: Record<string, unknown>): unknown[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: unknown): unknown {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** One OTLP/JSON span. Times in epoch ms. */
export interface SpanSpec {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  startMs?: number;
  endMs?: number;
  status?: number;
  attributes?: Record<string, unknown>;
}

const nanos = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

export function span(s: SpanSpec): Record<string, unknown> {
  const start = s.startMs ?? Date.now() - 1000;
  return {
    traceId: s.traceId,
    spanId: s.spanId ?? hex(8),
    ...(s.parentSpanId === undefined ? {} : { parentSpanId: s.parentSpanId }),
    name: s.name,
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(s.endMs ?? start + 500),
    attributes: keyValues(s.attributes ?? {}),
    status: s.status === undefined ? {} : { code: s.status },
  };
}

/** An ExportTraceServiceRequest with one resource and one scope. */
export function tracesRequest(
  resource: Record<string, unknown>,
  spans: ReadonlyArray<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

/** One OTLP/JSON log record. */
export function logRecord(
  eventName: string,
  attributes: Record<string, unknown>,
  options: { timeMs?: number; body?: unknown; nameIn?: 'attribute' | 'field' | 'body' } = {},
): Record<string, unknown> {
  const time = nanos(options.timeMs ?? Date.now());
  const where = options.nameIn ?? 'attribute';
  return {
    timeUnixNano: '0',
    observedTimeUnixNano: time,
    ...(where === 'field' ? { eventName } : {}),
    body: where === 'body' ? { stringValue: eventName } : (options.body ?? null),
    attributes: keyValues(
      where === 'attribute' ? { 'event.name': eventName, ...attributes } : attributes,
    ),
  };
}

/** An ExportLogsServiceRequest with one resource and one scope. */
export function logsRequest(
  resource: Record<string, unknown>,
  logRecords: ReadonlyArray<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resource) },
        scopeLogs: [{ scope: { name: 'test' }, logRecords }],
      },
    ],
  };
}

/** An explicit task span and, beneath it, one model call of `inputTokens` (to tell tasks apart). */
export function taskSpans(
  traceId: string,
  inputTokens: number,
): { task: Record<string, unknown>; call: Record<string, unknown> } {
  const root = hex(8);
  return {
    task: span({
      traceId,
      spanId: root,
      name: 'task',
      attributes: { 'mosaic.task.type': 'implementation' },
    }),
    call: span({
      traceId,
      parentSpanId: root,
      name: 'chat',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-5',
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': 1,
      },
    }),
  };
}

import { decodeLogRecords } from '../../src/decode/decode-log-records.js';
import { decodeSpans } from '../../src/decode/decode-spans.js';
import type { LogRecordLike } from '../../src/model/log-record-like.js';
import type { TraceTask } from '../../src/model/trace-task.js';
import type { TraceView } from '../../src/model/trace-view.js';
import { awaitedData, completesTask, SPAN_FILTER } from '../../src/sources/index.js';
import type { LogReading, Source } from '../../src/sources/source.js';
import { OpenTraces } from '../../src/tasks/open-traces.js';
import type { CapturedRequest } from './captures.js';

/**
 * The traces of captured (or built) OTLP requests as the bridge holds them when they close: decoded
 * by the decode path with the sources' filter, gathered by the real open traces.
 */
export function tracesOf(requests: readonly CapturedRequest[]): TraceView[] {
  const open = new OpenTraces(
    { maxTraces: 1000, settleMs: 1, idleMs: 1, maxAgeMs: 60_000 },
    { isRelevantSpan: SPAN_FILTER.isRelevantSpan, completesTask, awaitedData },
  );
  for (const r of requests) {
    if (r.signal !== 'traces') continue;
    const decoded = decodeSpans(r.json, SPAN_FILTER);
    open.add(decoded.records, decoded.links, 0);
  }
  return open.takeAll();
}

/** The log records of captured (or built) OTLP requests, decoded. */
export function logsOf(requests: readonly CapturedRequest[]): LogRecordLike[] {
  return requests
    .filter((r) => r.signal === 'logs')
    .flatMap((r) => decodeLogRecords(r.json, SPAN_FILTER.kept).records);
}

/** A source's tasks in these traces, asked alone (no earlier source claims a span). */
export function traceTasksOf(
  source: Source,
  traces: readonly TraceView[],
  costOfRequest: (requestId: string) => number | undefined = () => undefined,
): TraceTask[] {
  const read = source.traceTasks;
  if (read === undefined) return [];
  return traces.flatMap((t) => read(t, { isClaimed: () => false, costOfRequest }));
}

/** What one fresh reader of a source's logs makes of these records, in order. */
export function logReadingsOf(source: Source, logs: readonly LogRecordLike[]): LogReading[] {
  const read = source.logReader?.();
  if (read === undefined) return [];
  const events = new Set(source.reads.logEvents ?? []);
  return logs.flatMap((log) => {
    if (log.eventName === undefined || !events.has(log.eventName)) return [];
    const reading = read(log);
    return reading === undefined ? [] : [reading];
  });
}

/** An OTLP/JSON request as a captured one. */
export function jsonRequest(
  signal: CapturedRequest['signal'],
  body: Record<string, unknown>,
): CapturedRequest {
  return {
    signal,
    contentType: 'application/json',
    json: body,
    body: Buffer.from(JSON.stringify(body)),
  };
}

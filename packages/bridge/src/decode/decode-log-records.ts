import type { KeptAttributes } from '../model/kept-attributes.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import type { DecodedBatch } from './decoded-batch.js';
import { hexId } from './hex-id.js';
import { nanosToMillis } from './nanos-to-millis.js';
import { type KeyValueLike, readAnyValue, readAttributes } from './read-attributes.js';

interface LogLike {
  readonly timeUnixNano?: unknown;
  readonly observedTimeUnixNano?: unknown;
  readonly eventName?: unknown;
  readonly body?: unknown;
  readonly attributes?: readonly KeyValueLike[] | null;
  readonly traceId?: unknown;
  readonly spanId?: unknown;
}

interface LogsRequestLike {
  readonly resourceLogs?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly KeyValueLike[] | null } | null;
    readonly scopeLogs?: ReadonlyArray<{
      readonly logRecords?: readonly LogLike[] | null;
    } | null> | null;
  } | null> | null;
}

function eventNameOf(log: LogLike, attrs: Record<string, unknown>): string | undefined {
  // The attribute first: Codex fills the `eventName` field with its tracing callsite.
  const fromAttr = attrs['event.name'];
  if (typeof fromAttr === 'string' && fromAttr !== '') return fromAttr;
  if (typeof log.eventName === 'string' && log.eventName !== '') return log.eventName;
  // Claude Code names its events in the body (`claude_code.api_request`).
  const body = readAnyValue(log.body as never);
  return typeof body === 'string' && body.startsWith('claude_code.') ? body : undefined;
}

/**
 * The log records of an `ExportLogsServiceRequest` (protobufjs message or OTLP/JSON), normalised,
 * with only the attributes some source reads (`kept`). Bodies are read only to find an event name:
 * no body text is kept.
 */
export function decodeLogRecords(
  request: unknown,
  kept: KeptAttributes,
): DecodedBatch<LogRecordLike> {
  const records: LogRecordLike[] = [];
  const resources = (request as LogsRequestLike).resourceLogs;
  if (!Array.isArray(resources)) return { records, rejected: 0, rejectReason: undefined };
  for (const rl of resources) {
    if (rl === null || typeof rl !== 'object' || !Array.isArray(rl.scopeLogs)) continue;
    const resourceAttributes = readAttributes(rl.resource?.attributes, kept.resource);
    for (const sl of rl.scopeLogs) {
      if (sl === null || typeof sl !== 'object' || !Array.isArray(sl.logRecords)) continue;
      for (const log of sl.logRecords as readonly LogLike[]) {
        if (log === null || typeof log !== 'object') continue;
        const attributes = readAttributes(log.attributes, kept.log);
        const time = nanosToMillis(log.timeUnixNano) || nanosToMillis(log.observedTimeUnixNano);
        records.push({
          timeMs: time > 0 ? time : Date.now(),
          eventName: eventNameOf(log, attributes),
          attributes,
          resourceAttributes,
          traceId: hexId(log.traceId, 16),
          spanId: hexId(log.spanId, 8),
        });
      }
    }
  }
  return { records, rejected: 0, rejectReason: undefined };
}

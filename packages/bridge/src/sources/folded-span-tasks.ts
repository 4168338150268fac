import type { SpanRecord } from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import type { TraceTask } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { foldDescendants } from './fold-descendants.js';

/**
 * Each of `spans` (task spans of one trace) as a complete task: usage folded from the model calls
 * beneath it and priced call by call, failed when the span is ERROR or its last model call failed. With `ownAttributes`,
 * the span's own allowlisted attributes win over everything else (explicit task spans).
 */
export function foldedSpanTasks(
  trace: TraceView,
  spans: readonly SpanRecord[],
  source: string,
  ownAttributes = false,
): TraceTask[] {
  if (spans.length === 0) return [];
  const folded = foldDescendants(trace, new Set(spans.map((s) => s.spanId)));
  return spans.map((span) => {
    const f = folded.get(span.spanId);
    return {
      complete: true,
      draft: {
        traceId: span.traceId,
        spanId: span.spanId,
        source,
        startMs: span.startTimeMs,
        endMs: span.endTimeMs,
        resourceAttributes: span.resourceAttributes,
        ...(ownAttributes ? { ownAttributes: span.attributes } : {}),
        usage: f?.usage,
        // Priced from the calls' tokens; an explicit task span's own cost attribute still wins.
        costMicros: f?.costMicros,
        uncosted: f?.uncosted,
        failed: span.statusCode === SPAN_STATUS_ERROR || f?.lastCallFailed === true,
      },
    };
  });
}

import { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import type { TraceView } from '../tasks/trace-view.js';
import { foldDescendants } from './fold-descendants.js';
import type { TraceDialectContext, TraceTask } from './trace-dialect.js';

/**
 * Explicit task spans (`mosaic.task.type`), as in-process: each one a task, usage folded from the
 * model calls beneath it by span id; its own allowlisted attributes win over everything else.
 */
export function explicitTasks(trace: TraceView, _ctx: TraceDialectContext): TraceTask[] {
  const tasks = [...trace.records.values()].filter(
    (r) => r.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined,
  );
  if (tasks.length === 0) return [];
  const folded = foldDescendants(trace, new Set(tasks.map((t) => t.spanId)));
  return tasks.map((span) => {
    const f = folded.get(span.spanId);
    return {
      complete: true,
      draft: {
        traceId: span.traceId,
        spanId: span.spanId,
        source: 'mosaic.task',
        startMs: span.startTimeMs,
        endMs: span.endTimeMs,
        resourceAttributes: span.resourceAttributes,
        ownAttributes: span.attributes,
        usage: f?.usage,
        costMicros: undefined,
        failed: span.statusCode === 2 || f?.lastCallFailed === true,
      },
    };
  });
}

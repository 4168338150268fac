import {
  type FoldableCall,
  foldModelCalls,
  readModelCall,
  type SpanRecord,
} from '../pipeline/exporter-core.js';
import type { TraceView } from '../tasks/trace-view.js';

/** Usage and failure of the model calls beneath each task span, each call under its nearest task. */
export interface FoldedTask {
  readonly usage: ReturnType<typeof foldModelCalls>;
  readonly lastCallFailed: boolean;
  readonly calls: number;
}

/**
 * Folds the model calls of `trace` into the task spans `taskIds` by span id (a call counts toward
 * its nearest task ancestor), with the core's reader and fold (innermost calls only).
 */
export function foldDescendants(
  trace: TraceView,
  taskIds: ReadonlySet<string>,
): Map<string, FoldedTask> {
  const byTask = new Map<string, { calls: FoldableCall[]; last: SpanRecord | undefined }>();
  for (const record of trace.records.values()) {
    if (taskIds.has(record.spanId)) continue;
    const call = readModelCall(record);
    if (call === undefined) continue;
    const task = trace.nearestIn(record.spanId, taskIds);
    if (task === undefined) continue;
    let entry = byTask.get(task);
    if (entry === undefined) {
      entry = { calls: [], last: undefined };
      byTask.set(task, entry);
    }
    entry.calls.push({ spanId: record.spanId, parentSpanId: record.parentSpanId, call });
    if (
      call.kind === 'call' &&
      (entry.last === undefined || record.endTimeMs >= entry.last.endTimeMs)
    ) {
      entry.last = record;
    }
  }
  const out = new Map<string, FoldedTask>();
  for (const [task, entry] of byTask) {
    out.set(task, {
      usage: foldModelCalls(entry.calls),
      lastCallFailed: entry.last?.statusCode === 2,
      calls: entry.calls.length,
    });
  }
  return out;
}

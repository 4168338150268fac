import type { TraceTask, TraceTaskReader } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';

/**
 * Every task of one trace, each found by the first reader that claims it: a span that is (or lies
 * beneath) a task of an earlier reader is never a task of a later one.
 */
export function findTraceTasks(
  trace: TraceView,
  readers: readonly TraceTaskReader[],
  costOfRequest: (requestId: string) => number | undefined,
): TraceTask[] {
  const claimed = new Set<string>();
  const ctx = {
    isClaimed: (spanId: string) =>
      claimed.size > 0 && (claimed.has(spanId) || trace.nearestIn(spanId, claimed) !== undefined),
    costOfRequest,
  };
  const tasks: TraceTask[] = [];
  for (const read of readers) {
    const found = read(trace, ctx);
    for (const task of found) claimed.add(task.draft.spanId);
    tasks.push(...found);
  }
  return tasks;
}

import type { IncompleteTaskCounter, TraceTask, TraceTaskReader } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';

/** The tasks of one closing trace, and how many incomplete tasks it holds. */
export interface FoundTraceTasks {
  readonly tasks: TraceTask[];
  /** Tasks whose ending span never came (see `Source.incompleteTasks`): counted, not reported. */
  readonly incomplete: number;
}

/**
 * Every task of one trace, each found by the first reader that claims it: a span that is (or lies
 * beneath) a task of an earlier reader is never a task of a later one. Then the incomplete tasks
 * the counters find among the spans no task claimed.
 */
export function findTraceTasks(
  trace: TraceView,
  readers: readonly TraceTaskReader[],
  costOfRequest: (requestId: string) => number | undefined,
  incompleteCounters: readonly IncompleteTaskCounter[] = [],
): FoundTraceTasks {
  const claimed = new Set<string>();
  const ctx = {
    isClaimed: (spanId: string) =>
      claimed.size > 0 && (claimed.has(spanId) || trace.nearestIn(spanId, claimed) !== undefined),
    costOfRequest,
  };
  const tasks: TraceTask[] = [];
  for (const read of readers) {
    const found = read(trace, ctx);
    for (const task of found) claimed.add(task.taskSpanId ?? task.draft.spanId);
    tasks.push(...found);
  }
  let incomplete = 0;
  for (const count of incompleteCounters) incomplete += count(trace, ctx);
  return { tasks, incomplete };
}

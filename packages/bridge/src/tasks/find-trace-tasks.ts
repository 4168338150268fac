import type { TraceDialect, TraceTask } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { claudeCodeTasks } from '../sources/claude-code/claude-code-spans.js';
import { codexTasks } from '../sources/codex/codex-spans.js';
import { explicitTasks } from '../sources/explicit-task.js';
import { invokeAgentTasks } from '../sources/invoke-agent.js';
import { openCodeTasks } from '../sources/opencode.js';

/**
 * The trace dialects in order of precedence: a span that is (or lies beneath) a task of an
 * earlier dialect is never a task of a later one. Gemini CLI is keyed by prompt id, not by trace
 * (see gemini.ts).
 */
const TRACE_DIALECTS: readonly TraceDialect[] = [
  explicitTasks,
  claudeCodeTasks,
  codexTasks,
  openCodeTasks,
  invokeAgentTasks,
];

/** Every task of one trace, each found by the first dialect that claims it. */
export function findTraceTasks(
  trace: TraceView,
  costOfRequest: (requestId: string) => number | undefined,
): TraceTask[] {
  const claimed = new Set<string>();
  const ctx = {
    isClaimed: (spanId: string) =>
      claimed.size > 0 && (claimed.has(spanId) || trace.nearestIn(spanId, claimed) !== undefined),
    costOfRequest,
  };
  const tasks: TraceTask[] = [];
  for (const dialect of TRACE_DIALECTS) {
    const found = dialect(trace, ctx);
    for (const task of found) claimed.add(task.draft.spanId);
    tasks.push(...found);
  }
  return tasks;
}

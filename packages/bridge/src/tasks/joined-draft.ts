import type { TaskUsage } from '../model/exporter-core.js';
import type { TaskDraft } from '../model/task-draft.js';
import type { ActivityOutcome } from './activity-outcome.js';

/** Whether a usage names tokens or a model at all. */
const hasUsage = (usage: TaskUsage | undefined): boolean =>
  usage !== undefined &&
  (usage.inputTokens > 0 || usage.outputTokens > 0 || usage.model !== undefined);

/**
 * A traced task joined with the log-derived report of the same task: ids, timing, usage and
 * outcome from the trace; gates and language from the logs' tool activity; cost from the logs when
 * they give one (the source's own, e.g. Claude Code's `cost_usd`, or priced per request), else the
 * trace's. Usage from the logs when the trace's names no tokens and no model: the span that
 * carries a task's totals can be lost or come too late (Codex sends its turn's `session_task.turn`
 * span in its last export), and the logs still name every request.
 */
export function joinedDraft(
  traced: TaskDraft,
  logs: {
    readonly usage: TaskUsage;
    readonly costMicros: number | undefined;
    readonly uncosted: boolean;
  },
  activity: ActivityOutcome,
): TaskDraft {
  const logCost = logs.costMicros !== undefined;
  return {
    ...traced,
    usage: hasUsage(traced.usage) || !hasUsage(logs.usage) ? traced.usage : logs.usage,
    costMicros: logCost ? logs.costMicros : traced.costMicros,
    uncosted: logCost ? logs.uncosted : traced.uncosted,
    gates: traced.gates ?? activity.gates,
    language: traced.language ?? activity.language,
  };
}

import type { TaskDraft } from '../model/task-draft.js';
import type { ActivityOutcome } from './activity-outcome.js';

/**
 * A traced task joined with the log-derived report of the same task: ids, timing, usage and
 * outcome from the trace; gates and language from the logs' tool activity; cost from the logs when
 * they give one (the source's own, e.g. Claude Code's `cost_usd`, or priced per request), else the
 * trace's.
 */
export function joinedDraft(
  traced: TaskDraft,
  logs: { readonly costMicros: number | undefined; readonly uncosted: boolean },
  activity: ActivityOutcome,
): TaskDraft {
  const logCost = logs.costMicros !== undefined;
  return {
    ...traced,
    costMicros: logCost ? logs.costMicros : traced.costMicros,
    uncosted: logCost ? logs.uncosted : traced.uncosted,
    gates: traced.gates ?? activity.gates,
    language: traced.language ?? activity.language,
  };
}

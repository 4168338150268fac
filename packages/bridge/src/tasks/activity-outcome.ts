import { type GateOutcome, gateOutcome, languageOfFiles } from '../model/exporter-core.js';
import type { TaskActivity } from '../model/task-activity.js';

/** A task's derived fields from its tool calls; each is undefined when no call gave it. */
export interface ActivityOutcome {
  readonly gates: GateOutcome | undefined;
  readonly language: string | undefined;
}

/**
 * Quality gates (`gateOutcome` of the gate runs in the order they ended) and language
 * (`languageOfFiles` of the touched files) of a task's tool calls.
 */
export function activityOutcome(activities: Iterable<TaskActivity>): ActivityOutcome {
  const sorted = [...activities].sort((a, b) => a.atMs - b.atMs);
  const runs = sorted.flatMap((a) => (a.gateRun === undefined ? [] : [a.gateRun]));
  const files = sorted.flatMap((a) => a.files ?? []);
  const gates = runs.length === 0 ? undefined : gateOutcome(runs);
  return {
    gates: gates === undefined || gates.gatesRun.length === 0 ? undefined : gates,
    language: files.length === 0 ? undefined : (languageOfFiles(files) ?? undefined),
  };
}

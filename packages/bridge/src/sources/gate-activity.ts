import { classifyCommand } from '../model/exporter-core.js';
import type { TaskActivity } from '../model/task-activity.js';

/**
 * A shell command reduced to its quality gates and success (`classifyCommand`), or undefined
 * when it runs no gate: the command text is read here and kept nowhere.
 */
export function gateActivity(
  id: string,
  atMs: number,
  command: string,
  success: boolean,
): TaskActivity | undefined {
  const gates = classifyCommand(command);
  return gates.length === 0 ? undefined : { id, atMs, gateRun: { gates, success } };
}

import type { SpanRecord } from '../model/exporter-core.js';
import type { TaskActivity } from '../model/task-activity.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { copilotToolActivity } from './copilot-tools.js';
import { MODEL_CALL_READS } from './fold-descendants.js';
import { foldedSpanTasks } from './folded-span-tasks.js';
import { isAgentSpan, isRootAgentSpan } from './invoke-agent.js';
import type { Source } from './source.js';

/** Copilot CLI's `service.name`. */
export const COPILOT_SERVICE = 'github-copilot';

const isCopilot = (span: SpanRecord): boolean =>
  span.resourceAttributes['service.name'] === COPILOT_SERVICE;

/**
 * GitHub Copilot CLI: each outermost `invoke_agent` span of its traces is a task, usage folded
 * from its `chat <model>` spans (input includes Anthropic cache reads and writes, output
 * reasoning), failed when the agent span is ERROR (a failed run) or its last call failed; gates
 * and language from its `execute_tool` spans beneath it (their activity, reduced as they were
 * decoded: the arguments are not held).
 */
export function copilotTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const agents = [...trace.records.values()].filter((r) => isAgentSpan(r) && isCopilot(r));
  if (agents.length === 0) return [];
  const agentIds = new Set(agents.map((r) => r.spanId));
  const outermost = agents.filter(
    (r) => trace.nearestIn(r.spanId, agentIds) === undefined && !ctx.isClaimed(r.spanId),
  );
  if (outermost.length === 0) return [];
  const taskIds = new Set(outermost.map((r) => r.spanId));
  const activities = new Map<string, TaskActivity[]>();
  for (const r of trace.records.values()) {
    const task = trace.nearestIn(r.spanId, taskIds);
    const activity = task === undefined ? undefined : r.activity;
    if (task === undefined || activity === undefined) continue;
    activities.set(task, [...(activities.get(task) ?? []), activity]);
  }
  return foldedSpanTasks(trace, outermost, 'copilot.invoke_agent').map((task) => ({
    ...task,
    activities: activities.get(task.draft.spanId),
  }));
}

/** Copilot CLI (traces only: it sends no logs), asked before the generic `invoke_agent` rule. */
export const copilot: Source = {
  name: 'Copilot CLI',
  reads: {
    ...MODEL_CALL_READS,
    keys: ['gen_ai.tool.name', 'gen_ai.tool.call.id', 'process.exit.code'],
    spanTextKeys: [
      'gen_ai.tool.call.arguments',
      'github.copilot.tool.parameters.command',
      'github.copilot.tool.parameters.file_path',
    ],
    resourceKeys: ['service.name'],
  },
  spanActivity: copilotToolActivity,
  traceTasks: copilotTasks,
  completesTask: (span: SpanRecord) => isRootAgentSpan(span) && isCopilot(span),
};

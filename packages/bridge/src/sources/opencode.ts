import type { SpanRecord } from '../model/exporter-core.js';
import type { TaskActivity } from '../model/task-activity.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { MODEL_CALL_READS } from './fold-descendants.js';
import { foldedSpanTasks } from './folded-span-tasks.js';
import { OPENCODE_USAGE_KEYS, openCodeCallPrice } from './opencode-call-price.js';
import { openCodeToolActivity } from './opencode-tools.js';
import type { Source } from './source.js';

/** OpenCode's span of one prompt. */
export const OPENCODE_PROMPT_SPAN = 'SessionPrompt.prompt';

/**
 * OpenCode: each `SessionPrompt.prompt` span is a task; usage from the AI SDK call spans
 * (`ai.streamText.doStream`, `ai.generateText.doGenerate`) beneath it, the title request
 * included. AI SDK input counts include cached tokens and output counts include reasoning, as
 * the bridge's token meaning wants. Failure when the last call span is ERROR (the prompt span
 * itself stays OK when a request fails). Each call span is priced (summed into the task's cost);
 * gates and language from the `ai.toolCall` spans beneath the prompt (their activity, reduced as
 * they were decoded).
 */
export function openCodeTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const prompts = trace.named(OPENCODE_PROMPT_SPAN).filter((r) => !ctx.isClaimed(r.spanId));
  if (prompts.length === 0) return [];
  const taskIds = new Set(prompts.map((r) => r.spanId));
  const activities = new Map<string, TaskActivity[]>();
  const costs = new Map<string, { micros: number; uncosted: boolean }>();
  for (const r of trace.records.values()) {
    const task = trace.nearestIn(r.spanId, taskIds);
    if (task === undefined) continue;
    const activity = r.activity;
    if (activity !== undefined) activities.set(task, [...(activities.get(task) ?? []), activity]);
    const price = openCodeCallPrice(r);
    if (price === undefined) continue;
    const cost = costs.get(task) ?? { micros: 0, uncosted: false };
    costs.set(task, {
      micros: cost.micros + price.costMicros,
      uncosted: cost.uncosted || price.uncosted,
    });
  }
  return foldedSpanTasks(trace, prompts, OPENCODE_PROMPT_SPAN).map((task) => {
    const cost = costs.get(task.draft.spanId);
    return {
      ...task,
      draft: { ...task.draft, costMicros: cost?.micros, uncosted: cost?.uncosted },
      activities: activities.get(task.draft.spanId),
    };
  });
}

/**
 * An OpenCode trace (one per HTTP request to its server) holding AI SDK spans (`ai.*`, from a
 * resource with `service.name=opencode`) that no prompt span claims: a prompt whose
 * `SessionPrompt.prompt` span was lost (OpenCode's last export at exit), one incomplete task.
 */
export function openCodeIncompleteTasks(trace: TraceView, ctx: TraceTaskContext): number {
  for (const r of trace.records.values()) {
    if (
      r.name.startsWith('ai.') &&
      r.resourceAttributes['service.name'] === 'opencode' &&
      !ctx.isClaimed(r.spanId)
    ) {
      return 1;
    }
  }
  return 0;
}

/**
 * OpenCode (traces only: its logs carry no usage); its tool spans' arguments and results read as
 * they are decoded, reduced to their activity.
 */
export const openCode: Source = {
  name: 'OpenCode',
  reads: {
    ...MODEL_CALL_READS,
    spanNames: [OPENCODE_PROMPT_SPAN],
    keys: [...MODEL_CALL_READS.keys, ...OPENCODE_USAGE_KEYS, 'ai.toolCall.name', 'ai.toolCall.id'],
    spanTextKeys: ['ai.toolCall.args', 'ai.toolCall.result'],
    resourceKeys: ['service.name'],
  },
  spanActivity: openCodeToolActivity,
  traceTasks: openCodeTasks,
  incompleteTasks: openCodeIncompleteTasks,
  completesTask: (span: SpanRecord) => span.name === OPENCODE_PROMPT_SPAN,
};

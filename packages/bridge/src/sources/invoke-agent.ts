import type { SpanRecord } from '../model/exporter-core.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { MODEL_CALL_READS } from './fold-descendants.js';
import { foldedSpanTasks } from './folded-span-tasks.js';
import type { Source } from './source.js';

/** Whether a span is a root OTel GenAI agent span (`gen_ai.operation.name = invoke_agent`). */
export function isRootAgentSpan(span: SpanRecord): boolean {
  return (
    span.parentSpanId === undefined && span.attributes['gen_ai.operation.name'] === 'invoke_agent'
  );
}

/**
 * Any other root `invoke_agent` span (OTel GenAI agents in any language): a task of the default
 * type, usage folded from the model calls beneath it.
 */
export function invokeAgentTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const roots = [...trace.records.values()].filter(
    (r) => isRootAgentSpan(r) && !ctx.isClaimed(r.spanId),
  );
  return foldedSpanTasks(trace, roots, 'invoke_agent');
}

/** Root OTel GenAI `invoke_agent` spans: the last source asked. */
export const invokeAgent: Source = {
  name: 'invoke_agent',
  reads: MODEL_CALL_READS,
  traceTasks: invokeAgentTasks,
  completesTask: isRootAgentSpan,
};

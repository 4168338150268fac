import type { TraceDialectContext, TraceTask } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { foldedSpanTasks } from './folded-span-tasks.js';

/** Whether a span is a root OTel GenAI agent span (`gen_ai.operation.name = invoke_agent`). */
export function isRootAgentSpan(attributes: Record<string, unknown>, parent: unknown): boolean {
  return parent === undefined && attributes['gen_ai.operation.name'] === 'invoke_agent';
}

/**
 * Any other root `invoke_agent` span (OTel GenAI agents in any language): a task of the default
 * type, usage folded from the model calls beneath it.
 */
export function invokeAgentTasks(trace: TraceView, ctx: TraceDialectContext): TraceTask[] {
  const roots = [...trace.records.values()].filter(
    (r) => isRootAgentSpan(r.attributes, r.parentSpanId) && !ctx.isClaimed(r.spanId),
  );
  return foldedSpanTasks(trace, roots, 'invoke_agent');
}

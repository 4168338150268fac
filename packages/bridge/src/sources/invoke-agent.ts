import type { SpanRecord } from '../model/exporter-core.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { MODEL_CALL_READS } from './fold-descendants.js';
import { foldedSpanTasks } from './folded-span-tasks.js';
import type { Source } from './source.js';

/** Whether a span is an OTel GenAI agent span (`gen_ai.operation.name = invoke_agent`). */
export function isAgentSpan(span: SpanRecord): boolean {
  return span.attributes['gen_ai.operation.name'] === 'invoke_agent';
}

/** Whether a span is a root OTel GenAI agent span (`gen_ai.operation.name = invoke_agent`). */
export function isRootAgentSpan(span: SpanRecord): boolean {
  return span.parentSpanId === undefined && isAgentSpan(span);
}

/**
 * Any other outermost `invoke_agent` span (OTel GenAI agents in any language), root or not (an
 * agent inside a web request sits under the server span): a task of the default type, usage
 * folded from the model calls beneath it. A nested `invoke_agent` span is a sub-agent: its calls
 * count toward the outermost agent's task.
 */
export function invokeAgentTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const agents = [...trace.records.values()].filter(isAgentSpan);
  if (agents.length === 0) return [];
  const agentIds = new Set(agents.map((r) => r.spanId));
  const outermost = agents.filter(
    (r) => trace.nearestIn(r.spanId, agentIds) === undefined && !ctx.isClaimed(r.spanId),
  );
  return foldedSpanTasks(trace, outermost, 'invoke_agent');
}

/**
 * Outermost OTel GenAI `invoke_agent` spans: the last source asked. Only a root agent span closes
 * its trace after the short settle (a span alone cannot tell whether an agent span above it is
 * still to come); a trace whose outermost agent span is not its root closes at idle time.
 */
export const invokeAgent: Source = {
  name: 'invoke_agent',
  reads: MODEL_CALL_READS,
  traceTasks: invokeAgentTasks,
  completesTask: isRootAgentSpan,
};

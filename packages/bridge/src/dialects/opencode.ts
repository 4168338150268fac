import type { TraceView } from '../tasks/trace-view.js';
import { foldDescendants } from './fold-descendants.js';
import type { TraceDialectContext, TraceTask } from './trace-dialect.js';

/** OpenCode's span of one prompt. */
export const OPENCODE_PROMPT_SPAN = 'SessionPrompt.prompt';

/**
 * OpenCode: each `SessionPrompt.prompt` span is a task; usage from the AI SDK call spans
 * (`ai.streamText.doStream`, `ai.generateText.doGenerate`) beneath it, the title request
 * included. AI SDK input counts include cached tokens and output counts include reasoning, as
 * the bridge's token meaning wants. Failure when the last call span is ERROR (the prompt span
 * itself stays OK when a request fails).
 */
export function openCodeTasks(trace: TraceView, ctx: TraceDialectContext): TraceTask[] {
  const prompts = trace.named(OPENCODE_PROMPT_SPAN).filter((r) => !ctx.isClaimed(r.spanId));
  if (prompts.length === 0) return [];
  const folded = foldDescendants(trace, new Set(prompts.map((r) => r.spanId)));
  return prompts.map((span) => {
    const f = folded.get(span.spanId);
    return {
      complete: true,
      draft: {
        traceId: span.traceId,
        spanId: span.spanId,
        source: OPENCODE_PROMPT_SPAN,
        startMs: span.startTimeMs,
        endMs: span.endTimeMs,
        resourceAttributes: span.resourceAttributes,
        usage: f?.usage,
        costMicros: undefined,
        failed: span.statusCode === 2 || f?.lastCallFailed === true,
      },
    };
  });
}

import type { TraceDialectContext, TraceTask } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { foldedSpanTasks } from './folded-span-tasks.js';

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
  return foldedSpanTasks(trace, prompts, OPENCODE_PROMPT_SPAN);
}

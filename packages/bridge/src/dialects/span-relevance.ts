import type { SpanRecord } from '../pipeline/exporter-core.js';
import { CLAUDE_INTERACTION_SPAN, CLAUDE_REQUEST_SPAN } from './claude-code.js';
import { CODEX_TURN_SPAN, CODEX_TURN_START_SPAN } from './codex.js';
import { isRootAgentSpan } from './invoke-agent.js';
import { OPENCODE_PROMPT_SPAN } from './opencode.js';

const NAMED = new Set([
  CLAUDE_INTERACTION_SPAN,
  CLAUDE_REQUEST_SPAN,
  CODEX_TURN_START_SPAN,
  CODEX_TURN_SPAN,
  'handle_responses',
  OPENCODE_PROMPT_SPAN,
]);

/** Attribute keys that make a span a possible task or model call in some dialect. */
const KEYS = [
  'mosaic.task.type',
  'gen_ai.operation.name',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'openinference.span.kind',
  'traceloop.span.kind',
  'llm.request.type',
];

/**
 * Whether a dialect may read this span's record; the others are kept only as a parent link (most
 * of a Codex or OpenCode trace: storage, config, HTTP spans).
 */
export function isRelevantSpan(span: SpanRecord): boolean {
  if (NAMED.has(span.name) || span.name.startsWith('ai.')) return true;
  const attrs = span.attributes;
  for (const key of KEYS) if (attrs[key] !== undefined) return true;
  return false;
}

/** Whether this span completes a task of its trace, so the trace may close after a short settle. */
export function completesTask(span: SpanRecord): boolean {
  return (
    span.name === CLAUDE_INTERACTION_SPAN ||
    span.name === CODEX_TURN_SPAN ||
    span.name === OPENCODE_PROMPT_SPAN ||
    span.attributes['mosaic.task.type'] !== undefined ||
    isRootAgentSpan(span.attributes, span.parentSpanId)
  );
}

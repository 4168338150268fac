import type { SpanRecord } from '../model/exporter-core.js';
import { CLAUDE_INTERACTION_SPAN, CLAUDE_REQUEST_SPAN } from './claude-code/claude-code-spans.js';
import { CODEX_TURN_SPAN, CODEX_TURN_START_SPAN } from './codex/codex-spans.js';
import { hasOwnTaskType } from './explicit-task.js';
import { GEMINI_CALL_SPAN } from './gemini.js';
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
const KEYS: readonly string[] = [
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

const KEY_SET: ReadonlySet<string> = new Set(KEYS);
/**
 * Lengths of the names and keys above: most decoded strings are ruled out without hashing them.
 * For keys (every key of every span passes here) a table by length and one by first character
 * (low 7 bits; a false match only costs the Set lookup): array reads are cheaper than a Set
 * lookup, and tracing spans' common keys (`code.module.name`) share a length with some of ours.
 */
const KEY_LENGTHS = new Uint8Array(64);
const KEY_FIRST = new Uint8Array(128);
for (const k of KEYS) {
  KEY_LENGTHS[k.length] = 1;
  KEY_FIRST[k.charCodeAt(0) & 127] = 1;
}
const NAME_LENGTHS: ReadonlySet<number> = new Set(
  [...NAMED, GEMINI_CALL_SPAN].map((n) => n.length),
);

/** Whether a dialect reads spans of this name whatever their attributes. */
export function isRelevantName(name: string): boolean {
  if (name.charCodeAt(0) === 97 && name.charCodeAt(1) === 105 && name.charCodeAt(2) === 46) {
    return true; // `ai.`: the AI SDK's spans
  }
  return NAME_LENGTHS.has(name.length) && (NAMED.has(name) || name === GEMINI_CALL_SPAN);
}

/**
 * Whether a dialect reads a span with this attribute key: text, or the key's UTF-8 bytes as the
 * bridge's protobuf span head gives them (the keys above are ASCII, so a byte-for-byte latin1
 * reading of the bytes equals one of them exactly when the UTF-8 text does).
 */
export function isRelevantKey(key: unknown): boolean {
  if (typeof key === 'string') {
    return (
      KEY_LENGTHS[key.length] === 1 && KEY_FIRST[key.charCodeAt(0) & 127] === 1 && KEY_SET.has(key)
    );
  }
  return (
    key instanceof Uint8Array &&
    KEY_LENGTHS[key.length] === 1 &&
    KEY_FIRST[(key[0] as number) & 127] === 1 &&
    KEY_SET.has(Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1'))
  );
}

/** Whether a dialect may read this span's record; the others are kept only as a parent link. */
export function isRelevantSpan(span: SpanRecord): boolean {
  if (isRelevantName(span.name)) return true;
  for (const key in span.attributes) if (KEY_SET.has(key)) return true;
  return false;
}

/** Whether this span completes a task of its trace, so the trace may close after a short settle. */
export function completesTask(span: SpanRecord): boolean {
  return (
    span.name === CLAUDE_INTERACTION_SPAN ||
    span.name === CODEX_TURN_SPAN ||
    span.name === OPENCODE_PROMPT_SPAN ||
    hasOwnTaskType(span) ||
    isRootAgentSpan(span.attributes, span.parentSpanId)
  );
}

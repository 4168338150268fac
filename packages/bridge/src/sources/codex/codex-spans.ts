import type { SpanRecord } from '../../model/exporter-core.js';
import type { ModelRequest } from '../../model/model-request.js';
import { SPAN_STATUS_ERROR } from '../../model/span-status.js';
import { syntheticIds } from '../../model/synthetic-ids.js';
import type { TraceTask, TraceTaskContext } from '../../model/trace-task.js';
import type { TraceView } from '../../model/trace-view.js';
import { inferProvider } from '../infer-provider.js';
import { priceRequest } from '../price-request.js';
import { countAttr, textAttr } from '../read-attribute.js';
import { sumRequests } from '../sum-requests.js';
import { CODEX_TASK_KEY, codexTurnKey } from './codex-turn-key.js';

/** Codex's app-server RPC span that starts a turn (root of the turn's trace). */
export const CODEX_TURN_START_SPAN = 'turn/start';
/** Codex's span carrying the turn's token totals. */
export const CODEX_TURN_SPAN = 'session_task.turn';
/** Codex's span of one model response stream. */
export const CODEX_RESPONSES_SPAN = 'handle_responses';
/** Codex's spans of a turn that name its conversation (`conversation.id`) and turn (`turn.id`). */
export const CODEX_CONVERSATION_SPANS = ['codex.turn_input', 'run_turn'];
const USAGE = 'codex.turn.token_usage.';

/** The conversation id of a turn, from the spans of its trace that name both. */
function conversationOf(trace: TraceView, turn: string | undefined): string | undefined {
  if (turn === undefined) return undefined;
  for (const name of CODEX_CONVERSATION_SPANS) {
    for (const span of trace.named(name)) {
      const conversation = textAttr(span.attributes, 'conversation.id');
      if (conversation !== undefined && textAttr(span.attributes, 'turn.id') === turn) {
        return conversation;
      }
    }
  }
  return undefined;
}

/**
 * A turn's totals priced as one request (`codex.turn.token_usage.*`: input with cached and
 * cache-write tokens inside, output with reasoning inside).
 */
function priceTotals(totals: SpanRecord, model: string | undefined) {
  const a = totals.attributes;
  const input = countAttr(a, `${USAGE}input_tokens`) ?? 0;
  const cached = Math.min(countAttr(a, `${USAGE}cached_input_tokens`) ?? 0, input);
  const cacheWrite = Math.min(
    countAttr(a, `${USAGE}cache_write_input_tokens`) ?? 0,
    input - cached,
  );
  return priceRequest(
    inferProvider(model),
    model,
    {
      uncachedInputTokens: input - cached - cacheWrite,
      cacheReadTokens: cached,
      cacheWriteTokens: cacheWrite,
      outputTokens: countAttr(a, `${USAGE}output_tokens`) ?? 0,
      reasoningTokens: countAttr(a, `${USAGE}reasoning_output_tokens`) ?? 0,
    },
    totals.endTimeMs,
  );
}

/** A Codex model request from a `handle_responses` span that saw `response.completed`. */
function requestOf(span: SpanRecord): ModelRequest | undefined {
  const a = span.attributes;
  const input = countAttr(a, 'gen_ai.usage.input_tokens');
  const output = countAttr(a, 'gen_ai.usage.output_tokens');
  const failed = span.statusCode === SPAN_STATUS_ERROR;
  if (input === undefined && output === undefined && !failed) return undefined;
  return {
    id: span.spanId,
    startMs: span.startTimeMs,
    endMs: span.endTimeMs,
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    model: undefined,
    provider: undefined,
    failed,
  };
}

/**
 * Codex CLI: one turn is a task: the root `turn/start` span (`turn.id`) or, without it, the
 * `session_task.turn` span itself. Totals from `session_task.turn`'s
 * `codex.turn.token_usage.input_tokens` (cached included) and `output_tokens` (reasoning
 * included), priced from their breakdown; until that span arrives the turn is incomplete, and if
 * it never does, the `handle_responses` spans' usage is summed. Its ids derive from its key
 * (conversation id + the turn's trace id, as its log records name it), else from its span.
 */
export function codexTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const totalsByTurn = new Map<string, SpanRecord>();
  for (const span of trace.named(CODEX_TURN_SPAN)) {
    const turn = textAttr(span.attributes, 'turn.id');
    if (turn !== undefined) totalsByTurn.set(turn, span);
  }
  const roots = trace.named(CODEX_TURN_START_SPAN).filter((r) => !ctx.isClaimed(r.spanId));
  const rootTurns = new Set(roots.map((r) => textAttr(r.attributes, 'turn.id')));
  const taskSpans = [
    ...roots,
    ...[...totalsByTurn.entries()]
      .filter(([turn, span]) => !rootTurns.has(turn) && !ctx.isClaimed(span.spanId))
      .map(([, span]) => span),
  ];
  if (taskSpans.length === 0) return [];
  const ids = new Set(taskSpans.map((r) => r.spanId));
  const requests = new Map<string, ModelRequest[]>();
  for (const span of trace.named(CODEX_RESPONSES_SPAN)) {
    const task = trace.nearestIn(span.spanId, ids);
    const request = task === undefined ? undefined : requestOf(span);
    if (task === undefined || request === undefined) continue;
    requests.set(task, [...(requests.get(task) ?? []), request]);
  }
  return taskSpans.map((span) => {
    const turn = textAttr(span.attributes, 'turn.id');
    const totals = turn === undefined ? undefined : totalsByTurn.get(turn);
    const summed = sumRequests(requests.get(span.spanId) ?? []);
    const model = totals === undefined ? undefined : textAttr(totals.attributes, 'model');
    const usage =
      totals === undefined
        ? summed.usage
        : {
            inputTokens: countAttr(totals.attributes, `${USAGE}input_tokens`) ?? 0,
            outputTokens: countAttr(totals.attributes, `${USAGE}output_tokens`) ?? 0,
            model,
            provider: inferProvider(model),
          };
    const end = Math.max(span.endTimeMs, totals?.endTimeMs ?? 0);
    const price = totals === undefined ? undefined : priceTotals(totals, model);
    const conversation = conversationOf(trace, turn);
    const ids =
      conversation === undefined ? span : syntheticIds(CODEX_TASK_KEY, conversation, span.traceId);
    return {
      complete: totals !== undefined,
      taskSpanId: span.spanId,
      draft: {
        traceId: ids.traceId,
        spanId: ids.spanId,
        source: 'codex.turn',
        startMs: Math.min(span.startTimeMs, totals?.startTimeMs ?? span.startTimeMs),
        endMs: end,
        resourceAttributes: span.resourceAttributes,
        usage,
        costMicros: totals === undefined ? summed.costMicros : price?.costMicros,
        uncosted: totals === undefined ? summed.uncosted : price?.uncosted,
        covers: [codexTurnKey(span.traceId)],
        failed:
          span.statusCode === SPAN_STATUS_ERROR ||
          totals?.statusCode === SPAN_STATUS_ERROR ||
          summed.lastFailed,
      },
    };
  });
}

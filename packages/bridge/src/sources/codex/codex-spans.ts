import type { SpanRecord } from '../../model/exporter-core.js';
import type { ModelRequest } from '../../model/model-request.js';
import { SPAN_STATUS_ERROR } from '../../model/span-status.js';
import type { TraceTask, TraceTaskContext } from '../../model/trace-task.js';
import type { TraceView } from '../../model/trace-view.js';
import { inferProvider } from '../infer-provider.js';
import { countAttr, textAttr } from '../read-attribute.js';
import { sumRequests } from '../sum-requests.js';

/** Codex's app-server RPC span that starts a turn (root of the turn's trace). */
export const CODEX_TURN_START_SPAN = 'turn/start';
/** Codex's span carrying the turn's token totals. */
export const CODEX_TURN_SPAN = 'session_task.turn';
/** Codex's span of one model response stream. */
export const CODEX_RESPONSES_SPAN = 'handle_responses';
const USAGE = 'codex.turn.token_usage.';

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
 * included); until that span arrives the turn is incomplete, and if it never does, the
 * `handle_responses` spans' usage is summed.
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
    return {
      complete: totals !== undefined,
      draft: {
        traceId: span.traceId,
        spanId: span.spanId,
        source: 'codex.turn',
        startMs: Math.min(span.startTimeMs, totals?.startTimeMs ?? span.startTimeMs),
        endMs: end,
        resourceAttributes: span.resourceAttributes,
        usage,
        costMicros: undefined,
        failed:
          span.statusCode === SPAN_STATUS_ERROR ||
          totals?.statusCode === SPAN_STATUS_ERROR ||
          summed.lastFailed,
      },
    };
  });
}

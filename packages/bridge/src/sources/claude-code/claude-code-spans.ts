import type { Attributes } from '@opentelemetry/api';
import { readModelCall, type SpanRecord } from '../../model/exporter-core.js';
import type { ModelRequest } from '../../model/model-request.js';
import { sessionCoverKey } from '../../model/sender-session.js';
import { SPAN_STATUS_ERROR } from '../../model/span-status.js';
import type { TraceTask, TraceTaskContext } from '../../model/trace-task.js';
import type { TraceView } from '../../model/trace-view.js';
import { priceRequest } from '../price-request.js';
import { countAttr, textAttr } from '../read-attribute.js';
import { sumRequests } from '../sum-requests.js';
import { claudeTaskIds } from './claude-task-ids.js';

/** Claude Code's span of one prompt (traces need `CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1`). */
export const CLAUDE_INTERACTION_SPAN = 'claude_code.interaction';
/** Claude Code's span of one API attempt. */
export const CLAUDE_REQUEST_SPAN = 'claude_code.llm_request';

/**
 * The key shared by a Claude Code model request's span and its `api_request` log: session id +
 * request id (the interaction span has no prompt id, the request id is on both).
 */
export const claudeRequestKey = (sessionId: string, requestId: string): string =>
  `${sessionId}\u0000${requestId}`;

/**
 * Input tokens of one Claude Code request: every token read, `input_tokens` being the uncached
 * part (input + cache read + cache creation; `gen_ai.usage.input_tokens` already is that sum).
 */
export function claudeInputTokens(attrs: Attributes, genAiKey: string | undefined): number {
  const total = genAiKey === undefined ? undefined : countAttr(attrs, genAiKey);
  if (total !== undefined) return total;
  return (
    (countAttr(attrs, 'input_tokens') ?? 0) +
    (countAttr(attrs, 'cache_read_tokens') ?? 0) +
    (countAttr(attrs, 'cache_creation_tokens') ?? 0)
  );
}

/**
 * One `claude_code.llm_request` span as a request: cost from its `api_request` log when that has
 * arrived (the CLI's `cost_usd`), else priced from the span's four token counts.
 */
function requestOf(span: SpanRecord, ctx: TraceTaskContext): ModelRequest {
  const a = span.attributes;
  const status = countAttr(a, 'status_code');
  const requestId = textAttr(a, 'request_id');
  const model = textAttr(a, 'gen_ai.request.model') ?? textAttr(a, 'model');
  const own = requestId === undefined ? undefined : ctx.costOfRequest(requestId);
  const output = countAttr(a, 'gen_ai.usage.output_tokens') ?? countAttr(a, 'output_tokens') ?? 0;
  const priced =
    own === undefined
      ? priceRequest(
          'anthropic',
          model,
          {
            uncachedInputTokens: countAttr(a, 'input_tokens') ?? 0,
            cacheReadTokens: countAttr(a, 'cache_read_tokens') ?? 0,
            cacheWriteTokens: countAttr(a, 'cache_creation_tokens') ?? 0,
            outputTokens: output,
            reasoningTokens: 0,
          },
          span.endTimeMs,
        )
      : undefined;
  return {
    id: span.spanId,
    requestId,
    startMs: span.startTimeMs,
    endMs: span.endTimeMs,
    inputTokens: claudeInputTokens(a, 'gen_ai.usage.input_tokens'),
    outputTokens: output,
    model,
    // The core's reader maps `gen_ai.provider.name` (Claude Code writes `anthropic`).
    provider: readModelCall(span)?.provider ?? 'anthropic',
    failed:
      a.success === false ||
      span.statusCode === SPAN_STATUS_ERROR ||
      (status !== undefined && status >= 400),
    costMicros: own ?? priced?.costMicros,
    uncosted: priced?.uncosted,
  };
}

/**
 * Claude Code traces: each `claude_code.interaction` span is a task, usage from its
 * `claude_code.llm_request` children; cost from the `api_request` logs of the same request ids
 * when they have arrived (the CLI computes `cost_usd`; spans carry none), else priced from the
 * spans' token counts. Its ids derive from its key (`claudeTaskIds`: session id + first request
 * id), as its log-derived report's do; it covers that report through its requests' keys
 * (`claudeRequestKey`).
 */
export function claudeCodeTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const interactions = trace.named(CLAUDE_INTERACTION_SPAN).filter((r) => !ctx.isClaimed(r.spanId));
  if (interactions.length === 0) return [];
  const ids = new Set(interactions.map((r) => r.spanId));
  const requests = new Map<string, ModelRequest[]>();
  const covers = new Map<string, string[]>();
  const sessions = new Map<string, string>();
  for (const span of trace.named(CLAUDE_REQUEST_SPAN)) {
    const task = trace.nearestIn(span.spanId, ids);
    if (task === undefined) continue;
    const list = requests.get(task) ?? [];
    list.push(requestOf(span, ctx));
    requests.set(task, list);
    const session =
      textAttr(span.attributes, 'session.id') ??
      textAttr(trace.records.get(task)?.attributes ?? {}, 'session.id');
    const requestId = textAttr(span.attributes, 'request_id');
    if (session !== undefined) sessions.set(task, session);
    if (session !== undefined && requestId !== undefined) {
      covers.set(task, [...(covers.get(task) ?? []), claudeRequestKey(session, requestId)]);
    }
  }
  return interactions.map((span) => {
    const own = requests.get(span.spanId) ?? [];
    const totals = sumRequests(own);
    // The session's metrics task (its metrics enabled too) is this task's too.
    const session = sessions.get(span.spanId);
    const ids = session === undefined ? undefined : claudeTaskIds(session, own);
    const keys = covers.get(span.spanId);
    return {
      complete: true,
      taskSpanId: span.spanId,
      draft: {
        traceId: ids?.traceId ?? span.traceId,
        spanId: ids?.spanId ?? span.spanId,
        source: CLAUDE_INTERACTION_SPAN,
        startMs: span.startTimeMs,
        endMs: span.endTimeMs,
        resourceAttributes: span.resourceAttributes,
        usage: totals.usage,
        costMicros: totals.costMicros,
        uncosted: totals.uncosted,
        failed: span.statusCode === SPAN_STATUS_ERROR || totals.lastFailed,
        covers: session === undefined ? keys : [...(keys ?? []), sessionCoverKey(session)],
      },
    };
  });
}

import { BoundedMap } from '../../model/bounded-map.js';
import type { KeyedRequest } from '../../model/keyed-request.js';
import type { LogRecordLike } from '../../model/log-record-like.js';
import type { ModelRequest } from '../../model/model-request.js';
import type { TaskActivity } from '../../model/task-activity.js';
import { inferProvider } from '../infer-provider.js';
import { priceRequest } from '../price-request.js';
import { countAttr, textAttr } from '../read-attribute.js';
import { codexToolActivity } from './codex-tools.js';
import { codexTurnKey } from './codex-turn-key.js';

const isCodex = (log: LogRecordLike) => {
  const service = log.resourceAttributes['service.name'];
  return typeof service === 'string' ? service.startsWith('codex') : true;
};

/**
 * The keyed source of Codex tasks read from logs: one per turn whose trace its records name, else
 * one per conversation and idle gap.
 */
export const CODEX_KEYED_SOURCE = 'codex.logs';

/** Codex's log events the bridge reads. */
export const CODEX_LOG_EVENTS = [
  'codex.sse_event',
  'codex.api_request',
  'codex.tool_decision',
  'codex.tool_result',
];

/** What a reader remembers of a conversation's earlier records. */
interface ConversationState {
  /** Whether the current response asked for a tool. */
  toolCall: boolean;
  /** The trace id of the turn its records last named (`codex.api_request` and tool records carry it). */
  turnTrace: string | undefined;
}

/**
 * A request of a Codex conversation, as a keyed task sees it: Codex logs have no prompt or turn
 * id, so the turn is the trace its records last named (none without a trace exporter).
 */
function conversationRequest(
  log: LogRecordLike,
  conversation: string,
  state: ConversationState,
  request: ModelRequest,
  activity?: TaskActivity,
): KeyedRequest {
  return {
    source: CODEX_KEYED_SOURCE,
    sessionId: conversation,
    promptId: state.turnTrace ?? '',
    from: 'logs',
    resourceAttributes: log.resourceAttributes,
    request,
    activity,
    coverKey: state.turnTrace === undefined ? undefined : codexTurnKey(state.turnTrace),
  };
}

/**
 * A `codex.tool_decision` or `codex.tool_result` as a failed request of no tokens (a result also
 * brings its reduced activity, see `codexToolActivity`; its arguments and output are not kept): a turn
 * whose last record is a tool call that no model request answered broke off (Codex exits on a
 * failed request without flushing that request's logs). A later answered request makes the turn
 * a success again.
 */
function unansweredTool(
  log: LogRecordLike,
  name: string,
  conversation: string,
  state: ConversationState,
): KeyedRequest {
  const stamp = textAttr(log.attributes, 'event.timestamp') ?? String(log.timeMs);
  return conversationRequest(
    log,
    conversation,
    state,
    {
      id: `${name}:${stamp}`,
      startMs: log.timeMs,
      endMs: log.timeMs,
      inputTokens: 0,
      outputTokens: 0,
      model: undefined,
      provider: undefined,
      failed: true,
    },
    name === 'codex.tool_result' ? codexToolActivity(log) : undefined,
  );
}

/**
 * Codex CLI logs (no traces): each `codex.sse_event` of kind `response.completed` is an answered
 * request (`input_token_count` includes cached tokens, `output_token_count` reasoning), priced
 * from that breakdown (`cached_token_count`, `reasoning_token_count`); kind
 * `response.failed`, or a `codex.api_request` answered >= 400, a failed one. Codex logs carry no
 * turn id: the requests of one `conversation.id` make one task, closed after the idle time. A
 * response that asked for a tool continues the turn: if nothing follows it, the turn broke off.
 */
function readCodexLog(
  log: LogRecordLike,
  states: BoundedMap<string, ConversationState>,
): KeyedRequest | undefined {
  const name = log.eventName;
  if (!CODEX_LOG_EVENTS.includes(name ?? '')) return undefined;
  const a = log.attributes;
  const conversation = textAttr(a, 'conversation.id');
  if (conversation === undefined || !isCodex(log)) return undefined;
  // Set on every record, so the conversations forgotten first are the quiet ones.
  const state = states.get(conversation) ?? { toolCall: false, turnTrace: undefined };
  states.set(conversation, state);
  if (log.traceId !== undefined) state.turnTrace = log.traceId;
  if (name === 'codex.tool_decision' || name === 'codex.tool_result') {
    return unansweredTool(log, name, conversation, state);
  }
  let failed: boolean;
  let continues = false;
  if (name === 'codex.sse_event') {
    const kind = a['event.kind'];
    // The events of one response arrive in order: note whether it asks for a tool.
    if (kind === 'response.created') state.toolCall = false;
    if (kind === 'response.function_call_arguments.done') state.toolCall = true;
    if (kind !== 'response.completed' && kind !== 'response.failed') return undefined;
    failed = kind === 'response.failed';
    continues = !failed && state.toolCall;
  } else {
    const status = countAttr(a, 'http.response.status_code');
    if (status === undefined || status < 400) return undefined;
    failed = true;
  }
  const model = textAttr(a, 'model');
  const input = failed ? 0 : (countAttr(a, 'input_token_count') ?? 0);
  const output = failed ? 0 : (countAttr(a, 'output_token_count') ?? 0);
  const stamp = textAttr(a, 'event.timestamp') ?? String(log.timeMs);
  const provider = inferProvider(model);
  const cached = Math.min(failed ? 0 : (countAttr(a, 'cached_token_count') ?? 0), input);
  const cacheWrite = Math.min(
    failed ? 0 : (countAttr(a, 'cache_write_token_count') ?? 0),
    input - cached,
  );
  const price = priceRequest(
    provider,
    model,
    {
      uncachedInputTokens: input - cached - cacheWrite,
      cacheReadTokens: cached,
      cacheWriteTokens: cacheWrite,
      outputTokens: output,
      reasoningTokens: failed ? 0 : (countAttr(a, 'reasoning_token_count') ?? 0),
    },
    log.timeMs,
  );
  return conversationRequest(log, conversation, state, {
    id: `${name}:${stamp}:${input}:${output}`,
    startMs: log.timeMs - (countAttr(a, 'duration_ms') ?? 0),
    endMs: log.timeMs,
    inputTokens: input,
    outputTokens: output,
    model,
    provider,
    failed,
    continues,
    costMicros: price?.costMicros,
    uncosted: price?.uncosted,
  });
}

/**
 * Reads Codex CLI log records in arrival order, remembering per conversation whether the current
 * response asked for a tool and which turn trace its records named (bounded: 10,000
 * conversations).
 */
export class CodexLogReader {
  private readonly states = new BoundedMap<string, ConversationState>(10_000);

  read(log: LogRecordLike): KeyedRequest | undefined {
    return readCodexLog(log, this.states);
  }
}

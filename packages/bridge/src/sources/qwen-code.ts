import type { SpanRecord } from '../model/exporter-core.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import { geminiToolActivity } from './gemini-tools.js';
import { inferProvider } from './infer-provider.js';
import { priceRequest } from './price-request.js';
import { countAttr, flagAttr, textAttr } from './read-attribute.js';
import type { Source } from './source.js';

/** The keyed source of Qwen Code tasks (session id + prompt id), whose spans and logs both read. */
const QWEN_KEYED_SOURCE = 'qwen_code';

/** Qwen Code's root span of one prompt (an OTel GenAI `invoke_agent` span). */
export const QWEN_INTERACTION_SPAN = 'qwen-code.interaction';
/** Qwen Code's span of one model request. */
export const QWEN_REQUEST_SPAN = 'qwen-code.llm_request';

/** Qwen Code's log events of one model request or tool call. */
const QWEN_LOG_EVENTS = ['qwen-code.api_response', 'qwen-code.api_error', 'qwen-code.tool_call'];

const isQwen = (resource: SpanRecord['resourceAttributes']) =>
  resource['service.name'] === 'qwen-code';

/**
 * A model request of Qwen Code in the bridge's token meaning: input includes cached tokens and
 * output includes thoughts (`thoughts_token_count` is a part of it, unlike Gemini CLI's), priced
 * from that breakdown; the provider from the model name (Qwen Code names the API it speaks, not
 * who serves the model).
 */
function qwenRequest(
  id: string,
  startMs: number,
  endMs: number,
  model: string | undefined,
  counts: { input: number; cached: number; output: number; reasoning: number },
  failed: boolean,
): NonNullable<KeyedRequest['request']> {
  const cached = Math.min(counts.cached, counts.input);
  const provider = inferProvider(model);
  const price = priceRequest(
    provider,
    model,
    {
      uncachedInputTokens: counts.input - cached,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
      outputTokens: counts.output,
      reasoningTokens: Math.min(counts.reasoning, counts.output),
    },
    endMs,
  );
  return {
    id,
    startMs,
    endMs,
    inputTokens: counts.input,
    outputTokens: counts.output,
    model,
    provider,
    failed,
    costMicros: price?.costMicros,
    uncosted: price?.uncosted,
  };
}

/**
 * Qwen Code logs, keyed by (`session.id`, `prompt_id`): `qwen-code.api_response` /
 * `qwen-code.api_error` (a model request) and `qwen-code.tool_call` (a tool call's gates or file,
 * read as Gemini CLI's: Qwen Code is its fork and logs tool calls alike).
 */
export function readQwenLog(log: LogRecordLike): KeyedRequest | undefined {
  const name = log.eventName;
  if (name === undefined || !QWEN_LOG_EVENTS.includes(name) || !isQwen(log.resourceAttributes)) {
    return undefined;
  }
  const a = log.attributes;
  const sessionId = textAttr(a, 'session.id') ?? textAttr(log.resourceAttributes, 'session.id');
  const promptId = textAttr(a, 'prompt_id');
  if (sessionId === undefined || promptId === undefined) return undefined;
  const keyed = { source: QWEN_KEYED_SOURCE, sessionId, promptId, from: 'logs' as const };
  if (name === 'qwen-code.tool_call') {
    const activity = geminiToolActivity(log);
    return activity === undefined
      ? undefined
      : { ...keyed, resourceAttributes: log.resourceAttributes, activity };
  }
  const status = countAttr(a, 'status_code');
  const failed = name === 'qwen-code.api_error' || (status !== undefined && status >= 400);
  const model = textAttr(a, 'model');
  const counts = failed
    ? { input: 0, cached: 0, output: 0, reasoning: 0 }
    : {
        input: countAttr(a, 'input_token_count') ?? 0,
        cached: countAttr(a, 'cached_content_token_count') ?? 0,
        output: countAttr(a, 'output_token_count') ?? 0,
        reasoning: countAttr(a, 'thoughts_token_count') ?? 0,
      };
  const timestamp = textAttr(a, 'event.timestamp') ?? String(log.timeMs);
  return {
    ...keyed,
    resourceAttributes: log.resourceAttributes,
    request: qwenRequest(
      `${name}:${textAttr(a, 'response_id') ?? ''}:${timestamp}`,
      log.timeMs - (countAttr(a, 'duration_ms') ?? 0),
      log.timeMs,
      model,
      counts,
      failed,
    ),
  };
}

/**
 * Qwen Code spans of one prompt (`qwen-code.prompt_id`): a `qwen-code.llm_request` is a model
 * request; the `qwen-code.interaction` root joins the same keyed task, so the `invoke_agent` rule
 * never reports it a second time. A prompt's log records win when both arrive.
 */
export function readQwenSpan(span: SpanRecord): KeyedRequest | undefined {
  if (span.name !== QWEN_REQUEST_SPAN && span.name !== QWEN_INTERACTION_SPAN) return undefined;
  if (!isQwen(span.resourceAttributes)) return undefined;
  const a = span.attributes;
  const promptId = textAttr(a, 'qwen-code.prompt_id');
  const sessionId = textAttr(a, 'session.id') ?? textAttr(a, 'gen_ai.conversation.id');
  if (promptId === undefined || sessionId === undefined) return undefined;
  const keyed = {
    source: QWEN_KEYED_SOURCE,
    sessionId,
    promptId,
    from: 'spans' as const,
    resourceAttributes: span.resourceAttributes,
  };
  if (span.name === QWEN_INTERACTION_SPAN) return keyed;
  const failed = span.statusCode === SPAN_STATUS_ERROR || flagAttr(a, 'success') === false;
  return {
    ...keyed,
    request: qwenRequest(
      span.spanId,
      span.startTimeMs,
      span.endTimeMs,
      textAttr(a, 'gen_ai.request.model') ?? textAttr(a, 'gen_ai.response.model'),
      {
        input: failed ? 0 : (countAttr(a, 'gen_ai.usage.input_tokens') ?? 0),
        cached: failed ? 0 : (countAttr(a, 'gen_ai.usage.cache_read.input_tokens') ?? 0),
        output: failed ? 0 : (countAttr(a, 'gen_ai.usage.output_tokens') ?? 0),
        reasoning: failed ? 0 : (countAttr(a, 'thoughts_token_count') ?? 0),
      },
      failed,
    ),
  };
}

/**
 * Qwen Code: tasks keyed by (session id, prompt id) from its spans and its logs alike, so a report
 * from spans and one from logs are the same task (same key, same event id); logs win where both
 * arrive, and carry the tool calls (gates, language).
 */
export const qwenCode: Source = {
  name: 'Qwen Code',
  reads: {
    spanNames: [QWEN_INTERACTION_SPAN, QWEN_REQUEST_SPAN],
    keys: [
      'qwen-code.prompt_id',
      'session.id',
      'gen_ai.conversation.id',
      'gen_ai.request.model',
      'gen_ai.response.model',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.output_tokens',
      'thoughts_token_count',
      'success',
      'prompt_id',
      'status_code',
      'model',
      'response_id',
      'input_token_count',
      'output_token_count',
      'cached_content_token_count',
      'event.timestamp',
      'duration_ms',
      'function_name',
    ],
    logTextKeys: ['function_args'],
    resourceKeys: ['service.name', 'session.id'],
    logEvents: QWEN_LOG_EVENTS,
  },
  keyedRequestOf: readQwenSpan,
  logReader: () => (log) => {
    const request = readQwenLog(log);
    return request === undefined ? undefined : { request };
  },
  keyedSource: QWEN_KEYED_SOURCE,
};

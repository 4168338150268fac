import type { SpanRecord } from '../model/exporter-core.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import { geminiToolActivity } from './gemini-tools.js';
import { priceRequest } from './price-request.js';
import { countAttr, textAttr } from './read-attribute.js';
import type { Source } from './source.js';

/** The keyed source of Gemini CLI tasks (session id + prompt id), whose spans and logs both read. */
const GEMINI_KEYED_SOURCE = 'gemini_cli';

/** Gemini CLI's span of one model request. */
export const GEMINI_CALL_SPAN = 'llm_call';

/** Gemini CLI's log events of one model request or tool call. */
const GEMINI_LOG_EVENTS = [
  'gemini_cli.api_response',
  'gemini_cli.api_error',
  'gemini_cli.tool_call',
];

const isGemini = (resource: SpanRecord['resourceAttributes']) =>
  resource['service.name'] === 'gemini-cli';

/**
 * Gemini CLI logs: `gemini_cli.api_response` (input includes cached tokens; output is
 * `output_token_count` + `thoughts_token_count`; priced from that breakdown) and
 * `gemini_cli.api_error`, keyed by (`session.id`, `prompt_id`); `gemini_cli.tool_call` (a tool
 * call's gates or file). The model router's request belongs to the prompt too.
 */
export function readGeminiLog(log: LogRecordLike): KeyedRequest | undefined {
  const name = log.eventName;
  if (!GEMINI_LOG_EVENTS.includes(name ?? '')) return undefined;
  const a = log.attributes;
  const sessionId = textAttr(a, 'session.id') ?? textAttr(log.resourceAttributes, 'session.id');
  const promptId = textAttr(a, 'prompt_id');
  if (sessionId === undefined || promptId === undefined) return undefined;
  if (name === 'gemini_cli.tool_call') {
    const activity = geminiToolActivity(log);
    if (activity === undefined) return undefined;
    const { resourceAttributes } = log;
    return {
      source: GEMINI_KEYED_SOURCE,
      sessionId,
      promptId,
      from: 'logs',
      resourceAttributes,
      activity,
    };
  }
  const status = countAttr(a, 'status_code');
  const failed = name === 'gemini_cli.api_error' || (status !== undefined && status >= 400);
  const model = textAttr(a, 'model');
  const input = failed ? 0 : (countAttr(a, 'input_token_count') ?? 0);
  const thoughts = failed ? 0 : (countAttr(a, 'thoughts_token_count') ?? 0);
  const output = failed ? 0 : (countAttr(a, 'output_token_count') ?? 0) + thoughts;
  const cached = Math.min(failed ? 0 : (countAttr(a, 'cached_content_token_count') ?? 0), input);
  const price = priceRequest(
    'google',
    model,
    {
      uncachedInputTokens: input - cached,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
      outputTokens: output,
      reasoningTokens: thoughts,
    },
    log.timeMs,
  );
  return {
    source: GEMINI_KEYED_SOURCE,
    sessionId,
    promptId,
    from: 'logs',
    resourceAttributes: log.resourceAttributes,
    request: {
      id: `${name}:${textAttr(a, 'event.timestamp') ?? log.timeMs}:${model ?? ''}:${input}:${output}`,
      startMs: log.timeMs - (countAttr(a, 'duration_ms') ?? 0),
      endMs: log.timeMs,
      inputTokens: input,
      outputTokens: output,
      model,
      provider: 'google',
      failed,
      costMicros: price?.costMicros,
      uncosted: price?.uncosted,
    },
  };
}

/**
 * Gemini CLI `llm_call` spans (one per request, `gen_ai.prompt.name` = the prompt id), priced from
 * their two token counts (they name no cached tokens). Their `gen_ai.usage.output_tokens` has no
 * thoughts, so a prompt's log records win when both arrive.
 */
export function readGeminiSpan(span: SpanRecord): KeyedRequest | undefined {
  if (span.name !== GEMINI_CALL_SPAN || !isGemini(span.resourceAttributes)) return undefined;
  const a = span.attributes;
  const promptId = textAttr(a, 'gen_ai.prompt.name');
  const sessionId =
    textAttr(span.resourceAttributes, 'session.id') ?? textAttr(a, 'gen_ai.conversation.id');
  if (promptId === undefined || sessionId === undefined) return undefined;
  const failed = span.statusCode === SPAN_STATUS_ERROR;
  const model = textAttr(a, 'gen_ai.request.model') ?? textAttr(a, 'gen_ai.response.model');
  const input = countAttr(a, 'gen_ai.usage.input_tokens') ?? 0;
  const output = countAttr(a, 'gen_ai.usage.output_tokens') ?? 0;
  const price = priceRequest(
    'google',
    model,
    {
      uncachedInputTokens: input,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: output,
      reasoningTokens: 0,
    },
    span.endTimeMs,
  );
  return {
    source: GEMINI_KEYED_SOURCE,
    sessionId,
    promptId,
    from: 'spans',
    resourceAttributes: span.resourceAttributes,
    request: {
      id: span.spanId,
      startMs: span.startTimeMs,
      endMs: span.endTimeMs,
      inputTokens: input,
      outputTokens: output,
      model,
      provider: 'google',
      failed,
      costMicros: price?.costMicros,
      uncosted: price?.uncosted,
    },
  };
}

/**
 * Gemini CLI: tasks keyed by (session id, prompt id) from `llm_call` spans and `api_response` /
 * `api_error` logs alike, so a report from spans and one from logs are the same task (same key,
 * same event id) and logs win where both arrive.
 */
export const gemini: Source = {
  name: 'Gemini CLI',
  reads: {
    spanNames: [GEMINI_CALL_SPAN],
    logEvents: GEMINI_LOG_EVENTS,
    keys: [
      'session.id',
      'prompt_id',
      'status_code',
      'model',
      'input_token_count',
      'output_token_count',
      'thoughts_token_count',
      'cached_content_token_count',
      'event.timestamp',
      'duration_ms',
      'function_name',
      'success',
      'gen_ai.prompt.name',
      'gen_ai.conversation.id',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
      'gen_ai.request.model',
      'gen_ai.response.model',
    ],
    logTextKeys: ['function_args', 'metadata'],
    resourceKeys: ['service.name', 'session.id'],
  },
  keyedRequestOf: readGeminiSpan,
  logReader: () => (log) => {
    const request = readGeminiLog(log);
    return request === undefined ? undefined : { request };
  },
  keyedSource: GEMINI_KEYED_SOURCE,
};

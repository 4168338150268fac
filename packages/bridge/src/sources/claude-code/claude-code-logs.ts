import type { KeyedRequest } from '../../model/keyed-request.js';
import type { LogRecordLike } from '../../model/log-record-like.js';
import { priceRequest, type RequestPrice } from '../price-request.js';
import { countAttr, textAttr } from '../read-attribute.js';
import type { LogReading } from '../source.js';
import { claudeInputTokens, claudeRequestKey } from './claude-code-spans.js';
import { claudeToolActivity } from './claude-code-tools.js';

/** The keyed source of Claude Code tasks read from logs (session id + prompt id). */
export const CLAUDE_KEYED_SOURCE = 'claude_code.logs';

/**
 * Claude Code's log events of one model request or tool call, with and without the
 * `claude_code.` prefix.
 */
export const CLAUDE_LOG_EVENTS = [
  'claude_code.api_request',
  'claude_code.api_error',
  'claude_code.tool_result',
  'api_request',
  'api_error',
  'tool_result',
];

const isClaude = (log: LogRecordLike) =>
  log.resourceAttributes['service.name'] === 'claude-code' ||
  log.eventName?.startsWith('claude_code.') === true;

/** `cost_usd_micros`, else `cost_usd` in micros. */
function costMicros(a: LogRecordLike['attributes']): number | undefined {
  const micros = countAttr(a, 'cost_usd_micros');
  if (micros !== undefined) return Math.round(micros);
  const usd = countAttr(a, 'cost_usd');
  return usd === undefined ? undefined : Math.round(usd * 1e6);
}

/** A `tool_result` of one prompt as its reduced activity (see `claudeToolActivity`). */
function readToolResult(log: LogRecordLike): LogReading | undefined {
  const sessionId = textAttr(log.attributes, 'session.id');
  const promptId = textAttr(log.attributes, 'prompt.id');
  if (sessionId === undefined || promptId === undefined) return undefined;
  const activity = claudeToolActivity(log);
  if (activity === undefined) return undefined;
  // The request that asked for the tool: its key names the traced task this activity belongs to.
  const requestId = textAttr(log.attributes, 'request_id');
  return {
    request: {
      source: CLAUDE_KEYED_SOURCE,
      sessionId,
      promptId,
      from: 'logs',
      resourceAttributes: log.resourceAttributes,
      activity,
      coverKey: requestId === undefined ? undefined : claudeRequestKey(sessionId, requestId),
    },
  };
}

/**
 * Claude Code logs: `api_request` (an answered request: the four token counts, `cost_usd`) and
 * `api_error` (a failed attempt) of one `prompt.id` in one `session.id`; `tool_result` (a tool
 * call's gates or file, with tool details on).
 */
export function readClaudeLog(log: LogRecordLike): LogReading | undefined {
  const name = log.eventName?.replace(/^claude_code\./, '');
  if (name === 'tool_result' && isClaude(log)) return readToolResult(log);
  if ((name !== 'api_request' && name !== 'api_error') || !isClaude(log)) return undefined;
  const a = log.attributes;
  const requestId = textAttr(a, 'request_id');
  const cost = name === 'api_request' ? costMicros(a) : undefined;
  const sessionId = textAttr(a, 'session.id');
  const promptId = textAttr(a, 'prompt.id');
  const duration = countAttr(a, 'duration_ms') ?? 0;
  // Without `cost_usd` (a CLI that does not compute it), priced from the four token counts.
  const priced: RequestPrice | undefined =
    name === 'api_request' && cost === undefined
      ? priceRequest(
          'anthropic',
          textAttr(a, 'model'),
          {
            uncachedInputTokens: countAttr(a, 'input_tokens') ?? 0,
            cacheReadTokens: countAttr(a, 'cache_read_tokens') ?? 0,
            cacheWriteTokens: countAttr(a, 'cache_creation_tokens') ?? 0,
            outputTokens: countAttr(a, 'output_tokens') ?? 0,
            reasoningTokens: 0,
          },
          log.timeMs,
        )
      : undefined;
  const sequence = a['event.sequence'];
  const request: KeyedRequest | undefined =
    sessionId === undefined || promptId === undefined
      ? undefined
      : {
          source: CLAUDE_KEYED_SOURCE,
          sessionId,
          promptId,
          from: 'logs',
          resourceAttributes: log.resourceAttributes,
          coverKey: requestId === undefined ? undefined : claudeRequestKey(sessionId, requestId),
          request: {
            id: `${name}:${String(sequence ?? '')}:${requestId ?? ''}:${String(a.attempt ?? '')}`,
            requestId,
            startMs: log.timeMs - duration,
            endMs: log.timeMs,
            inputTokens: name === 'api_request' ? claudeInputTokens(a, undefined) : 0,
            outputTokens: name === 'api_request' ? (countAttr(a, 'output_tokens') ?? 0) : 0,
            model: textAttr(a, 'model'),
            provider: 'anthropic',
            failed: name === 'api_error',
            costMicros: cost ?? priced?.costMicros,
            uncosted: priced?.uncosted,
          },
        };
  return {
    request,
    costOf: requestId === undefined || cost === undefined ? undefined : { requestId, micros: cost },
  };
}

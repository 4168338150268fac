import type { SpanRecord } from '../model/exporter-core.js';
import { inferProvider } from './infer-provider.js';
import { priceRequest, type RequestPrice } from './price-request.js';
import { countAttr, textAttr } from './read-attribute.js';

/** The AI SDK's spans of one model request (the provider call, beneath `ai.streamText` etc.). */
export const OPENCODE_CALL_SPANS = ['ai.streamText.doStream', 'ai.generateText.doGenerate'];

/** The `ai.usage.*` keys priced (AI SDK v5 names and their older or detailed twins). */
export const OPENCODE_USAGE_KEYS = [
  'ai.usage.cachedInputTokens',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
  'ai.usage.reasoningTokens',
  'ai.usage.outputTokenDetails.reasoningTokens',
];

/**
 * One AI SDK model call span priced from its usage (`ai.usage.inputTokens` includes cached reads
 * and writes, `ai.usage.outputTokens` includes reasoning), the provider inferred from
 * `ai.model.id` (OpenCode's provider name is whatever its user named it); undefined for any other
 * span or a call of no tokens.
 */
export function openCodeCallPrice(span: SpanRecord): RequestPrice | undefined {
  if (!OPENCODE_CALL_SPANS.includes(span.name)) return undefined;
  const a = span.attributes;
  const model = textAttr(a, 'ai.model.id') ?? textAttr(a, 'gen_ai.request.model');
  const input = countAttr(a, 'ai.usage.inputTokens') ?? countAttr(a, 'ai.usage.promptTokens') ?? 0;
  const output =
    countAttr(a, 'ai.usage.outputTokens') ?? countAttr(a, 'ai.usage.completionTokens') ?? 0;
  const read = Math.min(
    countAttr(a, 'ai.usage.cachedInputTokens') ??
      countAttr(a, 'ai.usage.inputTokenDetails.cacheReadTokens') ??
      0,
    input,
  );
  const write = Math.min(
    countAttr(a, 'ai.usage.inputTokenDetails.cacheWriteTokens') ?? 0,
    input - read,
  );
  const reasoning = Math.min(
    countAttr(a, 'ai.usage.reasoningTokens') ??
      countAttr(a, 'ai.usage.outputTokenDetails.reasoningTokens') ??
      0,
    output,
  );
  return priceRequest(
    inferProvider(model),
    model,
    {
      uncachedInputTokens: input - read - write,
      cacheReadTokens: read,
      cacheWriteTokens: write,
      outputTokens: output,
      reasoningTokens: reasoning,
    },
    span.endTimeMs,
  );
}

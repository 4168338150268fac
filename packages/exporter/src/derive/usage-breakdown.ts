import type { Provider } from '@mosaicstack/telemetry-semconv';

/**
 * One model request's tokens split the way prices are: every count is a partition of the
 * request's input or output, so `uncachedInputTokens + cacheReadTokens + cacheWriteTokens` is
 * every input token the model read and `outputTokens` every token it generated.
 */
export interface UsageBreakdown {
  /** Input tokens read at the full input price (neither read from nor written to a cache). */
  uncachedInputTokens: number;
  /** Input tokens read from the provider's prompt cache (Anthropic `cache_read_input_tokens`, OpenAI `cached_tokens`). */
  cacheReadTokens: number;
  /** Input tokens written to the provider's prompt cache (Anthropic `cache_creation_input_tokens`). */
  cacheWriteTokens: number;
  /** Every generated token, reasoning or thoughts included. */
  outputTokens: number;
  /** The reasoning (thinking) tokens inside `outputTokens`, at most `outputTokens`. */
  reasoningTokens: number;
}

/** One counted model request of a task: its breakdown, model, provider and time, for its price. */
export interface RequestUsage extends UsageBreakdown {
  readonly model: string | undefined;
  readonly provider: Provider | undefined;
  /** When the request was made (epoch ms): prices are dated. */
  readonly atMs: number;
}

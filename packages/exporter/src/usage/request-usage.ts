import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { RequestUsage } from '../derive/usage-breakdown.js';

/** A request's breakdown from its counts (absent counts are 0; parts never exceed their total). */
export function requestUsage(
  input: number,
  output: number,
  cacheRead: number,
  cacheWrite: number,
  reasoning: number,
  model: string | undefined,
  provider: Provider | undefined,
  atMs: number,
): RequestUsage {
  const cacheReadTokens = Math.min(cacheRead, input);
  const cacheWriteTokens = Math.min(cacheWrite, input - cacheReadTokens);
  return {
    uncachedInputTokens: input - cacheReadTokens - cacheWriteTokens,
    cacheReadTokens,
    cacheWriteTokens,
    outputTokens: output,
    reasoningTokens: Math.min(reasoning, output),
    model,
    provider,
    atMs,
  };
}

import { anthropicCacheCounts } from './anthropic-cache-counts.js';

/**
 * An AI SDK span's `ai.response.providerMetadata` JSON reduced to what the usage reader reads of
 * it: Anthropic's cache reads and writes (see `anthropicCacheCounts`), as JSON the reader reads
 * the same counts from; `undefined` when it holds none. A provider's metadata can carry more than
 * counts (search queries, response ids): a reader that holds spans for later, such as the OTLP
 * bridge, holds this instead, so none of that is kept.
 */
export function reduceProviderMetadata(metadata: unknown): string | undefined {
  const cache = anthropicCacheCounts(metadata);
  if (cache === undefined) return undefined;
  return JSON.stringify({
    anthropic: {
      usage: {
        cache_read_input_tokens: cache.read,
        cache_creation_input_tokens: cache.write,
      },
    },
  });
}

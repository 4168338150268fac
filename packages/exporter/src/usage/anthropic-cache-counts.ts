/** The prompt-cache counts of one Anthropic response, as Anthropic reports them apart from input. */
export interface AnthropicCacheCounts {
  readonly read: number;
  readonly write: number;
}

/** A whole token count, or 0 (Anthropic sends null or leaves out what did not happen). */
function countOf(value: unknown): number {
  return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/**
 * The cache reads and writes in the AI SDK 5 Anthropic provider's metadata (the span's
 * `ai.response.providerMetadata` JSON: `anthropic.usage`, Anthropic's own usage object), whose
 * `ai.usage.*` input counts neither. Anything else, or JSON that does not parse: undefined.
 */
export function anthropicCacheCounts(metadata: unknown): AnthropicCacheCounts | undefined {
  // Parse only what can hold Anthropic's usage: other providers' metadata is left unread.
  if (typeof metadata !== 'string' || !metadata.includes('"anthropic"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  const anthropic = (parsed as { anthropic?: unknown } | null)?.anthropic;
  const usage = (anthropic as { usage?: unknown } | null | undefined)?.usage;
  if (usage === null || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  return {
    read: countOf(u.cache_read_input_tokens),
    write: countOf(u.cache_creation_input_tokens),
  };
}

/** The prompt-cache counts of one Anthropic response, as Anthropic reports them apart from input. */
export interface AnthropicCacheCounts {
  readonly read: number;
  readonly write: number;
}

/** A whole token count, or 0 (Anthropic sends null or leaves out what did not happen). */
function countOf(value: unknown): number {
  return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** How the AI SDK 5 Anthropic provider's metadata begins: with Anthropic's usage object. */
const USAGE_FIRST = '{"anthropic":{"usage":{';
const READ_KEY = '"cache_read_input_tokens":';
const WRITE_KEY = '"cache_creation_input_tokens":';
/** Most digits read as a count (more cannot be a safe integer). */
const MAX_DIGITS = 15;

/**
 * The cache reads and writes in the AI SDK 5 Anthropic provider's metadata (the span's
 * `ai.response.providerMetadata` JSON: `anthropic.usage`, Anthropic's own usage object), whose
 * `ai.usage.*` input counts neither. Anything else, or JSON that does not parse: undefined.
 *
 * Read per model call of an AI SDK 5 app on Anthropic (and per such span the bridge decodes), so
 * the JSON the SDK writes is read where it lies (see {@link leadingUsageCounts}): about +230 ns
 * per call over a span without it, where parsing it whole cost about +1,030 (the same fresh
 * JSON.stringify output per call, same-run comparison of 300,000 calls). Any other form is
 * parsed whole.
 */
export function anthropicCacheCounts(metadata: unknown): AnthropicCacheCounts | undefined {
  if (typeof metadata !== 'string') return undefined;
  const leading = leadingUsageCounts(metadata);
  if (leading !== undefined) return leading;
  // Parse only what can hold Anthropic's usage: other providers' metadata is left unread.
  if (!metadata.includes('"anthropic"')) return undefined;
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

/**
 * The two counts of compact JSON that begins with Anthropic's usage object, when both are whole
 * numbers among its leading plain members: the keys found by `indexOf`, with no brace or bracket
 * between the object's start and the later key, so neither can be a member of a nested value. In
 * JSON a key's closing quote and colon cannot lie inside a string (a quote there is escaped), so
 * a match is a key. `undefined` (parse it whole) for anything else: another key order or nesting,
 * spaces, a count that is null or not plain digits. The SDK's own JSON always takes this path.
 */
function leadingUsageCounts(json: string): AnthropicCacheCounts | undefined {
  // Its third character first: `indexOf` would search all of other JSON (kilobytes for a
  // search-grounded Gemini response) before the search for "anthropic" does it again. Then
  // `indexOf`, not `startsWith`: JSON.stringify's output is a string of parts, which `indexOf`
  // flattens once for the searches after it (-80 ns per call, same comparison).
  if (json.charCodeAt(2) !== 0x61 || json.indexOf(USAGE_FIRST) !== 0) return undefined;
  const from = USAGE_FIRST.length;
  const readAt = json.indexOf(READ_KEY, from);
  const writeAt = json.indexOf(WRITE_KEY, from);
  if (readAt === -1 || writeAt === -1) return undefined;
  const last = Math.max(readAt, writeAt);
  if (
    isBefore(json.indexOf('{', from), last) ||
    isBefore(json.indexOf('}', from), last) ||
    isBefore(json.indexOf('[', from), last) ||
    isBefore(json.indexOf(']', from), last)
  ) {
    return undefined;
  }
  const read = digitsAt(json, readAt + READ_KEY.length);
  const write = digitsAt(json, writeAt + WRITE_KEY.length);
  return read === -1 || write === -1 ? undefined : { read, write };
}

/** Whether `at`, a position `indexOf` found (-1: none), lies before `last`. */
const isBefore = (at: number, last: number): boolean => at !== -1 && at < last;

/** The whole number written at `start` of `json` and ending a member (`,` or `}` next), else -1. */
function digitsAt(json: string, start: number): number {
  let end = start;
  let count = 0;
  for (; end < json.length && end - start <= MAX_DIGITS; end++) {
    const c = json.charCodeAt(end);
    if (c < 0x30 || c > 0x39) break;
    count = count * 10 + (c - 0x30);
  }
  const next = json.charCodeAt(end);
  return end === start || end - start > MAX_DIGITS || (next !== 0x2c && next !== 0x7d) ? -1 : count;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicCacheCounts } from '../../src/usage/anthropic-cache-counts.js';

/** The counts as parsing the whole JSON gives them: what every form must read as. */
function parsedCounts(json: string): { read: number; write: number } | undefined {
  let usage: unknown;
  try {
    usage = (JSON.parse(json) as { anthropic?: { usage?: unknown } } | null)?.anthropic?.usage;
  } catch {
    return undefined;
  }
  if (usage === null || typeof usage !== 'object') return undefined;
  const count = (v: unknown): number =>
    typeof v === 'number' && v >= 0 && Number.isFinite(v) ? Math.trunc(v) : 0;
  const u = usage as Record<string, unknown>;
  return { read: count(u.cache_read_input_tokens), write: count(u.cache_creation_input_tokens) };
}

/** What the AI SDK 5 Anthropic provider (2.x) sets: Anthropic's usage object first. */
function sdkMetadata(read: number, write: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    anthropic: {
      usage: {
        input_tokens: 12,
        cache_creation_input_tokens: write,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
        output_tokens: 340,
        service_tier: 'standard',
        ...extra,
      },
      cacheCreationInputTokens: write,
      stopSequence: null,
      container: null,
    },
  });
}

describe('anthropicCacheCounts', () => {
  it("reads the counts of the AI SDK's own JSON", () => {
    expect(anthropicCacheCounts(sdkMetadata(5000, 120))).toEqual({ read: 5000, write: 120 });
    expect(anthropicCacheCounts(sdkMetadata(0, 0))).toEqual({ read: 0, write: 0 });
  });

  it('reads them from JSON cut short after both counts (an attribute length limit)', () => {
    const whole = sdkMetadata(5000, 120);
    const cut = whole.slice(0, whole.indexOf('"cache_creation":'));
    // Parsing gives nothing: only reading the JSON where it lies finds them.
    expect(parsedCounts(cut)).toBeUndefined();
    expect(anthropicCacheCounts(cut)).toEqual({ read: 5000, write: 120 });
  });

  it('reads any other form as parsing it whole does', () => {
    for (const json of [
      // Spaced, keys in another order, usage after other members, nested counts only.
      JSON.stringify(JSON.parse(sdkMetadata(7, 3)), null, 2),
      '{"anthropic":{"stopSequence":null,"usage":{"cache_read_input_tokens":9,"cache_creation_input_tokens":4}}}',
      '{"anthropic":{"usage":{"iterations":[{"cache_read_input_tokens":1,"cache_creation_input_tokens":2}],"cache_read_input_tokens":30,"cache_creation_input_tokens":40}}}',
      '{"anthropic":{"usage":{"cache_creation":{"cache_read_input_tokens":1},"cache_creation_input_tokens":2}}}',
      '{"anthropic":{"usage":{"cache_read_input_tokens":null,"cache_creation_input_tokens":5}}}',
      '{"anthropic":{"usage":{"cache_read_input_tokens":1.5,"cache_creation_input_tokens":5}}}',
      '{"anthropic":{"usage":{"cache_read_input_tokens":-4,"cache_creation_input_tokens":5}}}',
      '{"anthropic":{"usage":{"cache_read_input_tokens":1e3,"cache_creation_input_tokens":5}}}',
      '{"anthropic":{"usage":{"note":"}","cache_read_input_tokens":8,"cache_creation_input_tokens":5}}}',
      '{"anthropic":{"usage":{"input_tokens":3}},"other":{"cache_read_input_tokens":8,"cache_creation_input_tokens":5}}',
      '{"anthropic":{"usage":{"cache_read_input_tokens":99999999999999999999,"cache_creation_input_tokens":5}}}',
      '{"gateway":{"routing":{}},"anthropic":{"usage":{"cache_read_input_tokens":6,"cache_creation_input_tokens":2}}}',
      '{"anthropic":{"usage":null}}',
      '{"google":{"groundingMetadata":{}}}',
    ]) {
      expect(anthropicCacheCounts(json), json).toEqual(parsedCounts(json));
    }
  });

  it('reads what parsing reads, for any usage object serialised as the SDK does', () => {
    const count = fc.oneof(
      fc.nat(),
      fc.constant(null),
      fc.double(),
      fc.constant(Number.MAX_SAFE_INTEGER),
    );
    // Text that looks like the counts' keys, or that opens and closes what it is not in.
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '"cache_read_input_tokens":5,',
        '{"cache_creation_input_tokens":1}',
        '}]',
        '\\',
      ),
    );
    const value = fc.oneof(
      count,
      text,
      fc.dictionary(fc.constantFrom('cache_read_input_tokens', 'ephemeral_5m_input_tokens'), count),
      fc.array(fc.record({ cache_read_input_tokens: count, cache_creation_input_tokens: count })),
    );
    const usage = fc
      .tuple(
        fc.dictionary(
          fc.constantFrom('input_tokens', 'note', 'iterations', 'cache_creation'),
          value,
        ),
        fc.option(count, { nil: undefined }),
        fc.option(count, { nil: undefined }),
        fc.boolean(),
      )
      .map(([others, read, write, countsFirst]) => {
        const counts: Record<string, unknown> = {};
        if (read !== undefined) counts.cache_read_input_tokens = read;
        if (write !== undefined) counts.cache_creation_input_tokens = write;
        return countsFirst ? { ...counts, ...others } : { ...others, ...counts };
      });
    fc.assert(
      fc.property(usage, fc.dictionary(fc.string(), value), (u, rest) => {
        const json = JSON.stringify({ anthropic: { usage: u, ...rest } });
        expect(anthropicCacheCounts(json)).toEqual(parsedCounts(json));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads nothing of what is not a string', () => {
    for (const value of [undefined, null, 42, { anthropic: {} }, ['anthropic']]) {
      expect(anthropicCacheCounts(value)).toBeUndefined();
    }
  });
});

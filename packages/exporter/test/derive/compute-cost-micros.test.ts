import { describe, expect, it } from 'vitest';
import { computeCostMicros } from '../../src/derive/compute-cost-micros.js';
import type { UsageBreakdown } from '../../src/derive/usage-breakdown.js';

// A price of $P per million tokens is P micros per token, so each expected cost below is
// sum(tokens x price per million), with the prices of the bundled @pydantic/genai-prices data.

const AT = new Date('2026-10-01T12:00:00Z');

/** A breakdown with every count 0 but the ones given. */
function usage(counts: Partial<UsageBreakdown>): UsageBreakdown {
  return {
    uncachedInputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    ...counts,
  };
}

describe('computeCostMicros', () => {
  describe('Anthropic', () => {
    it('prices cache writes and cache reads at their own rates', () => {
      // claude-sonnet-4-0: input 3, cache write 3.75, cache read 0.3, output 15 ($/MTok).
      const cost = computeCostMicros(
        'anthropic',
        'claude-sonnet-4-20250514',
        usage({
          uncachedInputTokens: 1_200,
          cacheWriteTokens: 20_000,
          cacheReadTokens: 150_000,
          outputTokens: 2_500,
        }),
        AT,
      );
      expect(cost).toBe(1_200 * 3 + 20_000 * 3.75 + 150_000 * 0.3 + 2_500 * 15); // 161,100
    });

    it('prices a model through OpenRouter by the OpenRouter entry', () => {
      // openrouter anthropic/claude-sonnet-4: input 3, cache read 0.3, output 15.
      const cost = computeCostMicros(
        'openrouter',
        'anthropic/claude-sonnet-4',
        usage({ uncachedInputTokens: 10_000, cacheReadTokens: 40_000, outputTokens: 700 }),
        AT,
      );
      expect(cost).toBe(10_000 * 3 + 40_000 * 0.3 + 700 * 15); // 52,500
    });
  });

  describe('OpenAI', () => {
    it('prices cached input at the cached rate and reasoning as output', () => {
      // gpt-5: input 1.25, cache read 0.125, output 10; 32,000 input of which 24,000 cached,
      // 3,000 output of which 2,000 reasoning.
      const withReasoning = usage({
        uncachedInputTokens: 8_000,
        cacheReadTokens: 24_000,
        outputTokens: 3_000,
        reasoningTokens: 2_000,
      });
      const expected = 8_000 * 1.25 + 24_000 * 0.125 + 3_000 * 10; // 43,000
      expect(computeCostMicros('openai', 'gpt-5', withReasoning, AT)).toBe(expected);
      expect(
        computeCostMicros('openai', 'gpt-5', { ...withReasoning, reasoningTokens: 0 }, AT),
      ).toBe(expected);
    });

    it('prices a request by the price in force at its time', () => {
      // o3 before 2025-06-10: input 10, cache read 0.5, output 40; from then: 2, 0.5, 8.
      const request = usage({
        uncachedInputTokens: 10_000,
        cacheReadTokens: 5_000,
        outputTokens: 1_000,
        reasoningTokens: 800,
      });
      expect(computeCostMicros('openai', 'o3', request, new Date('2025-05-01T00:00:00Z'))).toBe(
        10_000 * 10 + 5_000 * 0.5 + 1_000 * 40, // 142,500
      );
      expect(computeCostMicros('openai', 'o3', request, Date.UTC(2025, 6, 1))).toBe(
        10_000 * 2 + 5_000 * 0.5 + 1_000 * 8, // 30,500
      );
    });

    it('prices reasoning at its own rate where the model has one', () => {
      // openrouter perplexity/sonar-deep-research: input 2, output 8, reasoning 3.
      const cost = computeCostMicros(
        'openrouter',
        'perplexity/sonar-deep-research',
        usage({ uncachedInputTokens: 1_000, outputTokens: 2_000, reasoningTokens: 1_500 }),
        AT,
      );
      expect(cost).toBe(1_000 * 2 + 500 * 8 + 1_500 * 3); // 10,500
    });

    it('rounds to whole micros', () => {
      // gpt-5 input 1.25: 3 tokens are 3.75 micros.
      expect(computeCostMicros('openai', 'gpt-5', usage({ uncachedInputTokens: 3 }), AT)).toBe(4);
      expect(computeCostMicros('openai', 'gpt-5', usage({ uncachedInputTokens: 1 }), AT)).toBe(1);
    });
  });

  describe('Google', () => {
    it('prices thoughts as output', () => {
      // gemini-2.5-pro up to 200,000 input tokens: input 1.25, cache read 0.125, output 10;
      // prompt 12,000 of which 4,000 cached, 800 candidates + 1,200 thoughts.
      const cost = computeCostMicros(
        'google',
        'gemini-2.5-pro',
        usage({
          uncachedInputTokens: 8_000,
          cacheReadTokens: 4_000,
          outputTokens: 2_000,
          reasoningTokens: 1_200,
        }),
        AT,
      );
      expect(cost).toBe(8_000 * 1.25 + 4_000 * 0.125 + 2_000 * 10); // 30,500
    });

    it('prices a long-context request at the tier above 200,000 input tokens', () => {
      // gemini-2.5-pro above 200,000 input tokens: input 2.5, output 15.
      const long = usage({ uncachedInputTokens: 250_000, outputTokens: 1_000 });
      expect(computeCostMicros('google', 'gemini-2.5-pro', long, AT)).toBe(
        250_000 * 2.5 + 1_000 * 15, // 640,000
      );
      const atTheEdge = usage({ uncachedInputTokens: 200_000, outputTokens: 1_000 });
      expect(computeCostMicros('google', 'gemini-2.5-pro', atTheEdge, AT)).toBe(
        200_000 * 1.25 + 1_000 * 10, // 260,000
      );
    });

    it('accepts the API form models/<name>', () => {
      const request = usage({ uncachedInputTokens: 1_000, outputTokens: 100 });
      expect(computeCostMicros('google', 'models/gemini-2.5-flash', request, AT)).toBe(
        1_000 * 0.3 + 100 * 2.5, // 550
      );
    });
  });

  describe('Mistral', () => {
    it('prices cache reads as input when the model has no cache price', () => {
      // codestral: input 0.3, output 0.9, no cache price.
      const cost = computeCostMicros(
        'mistral',
        'codestral-latest',
        usage({ uncachedInputTokens: 1_000, cacheReadTokens: 1_000, outputTokens: 100 }),
        AT,
      );
      expect(cost).toBe(2_000 * 0.3 + 100 * 0.9); // 690
    });
  });

  describe('providers', () => {
    it('matches the provider from the model name when the provider is custom or unknown', () => {
      // claude-haiku-4-5: input 1, output 5.
      const request = usage({ uncachedInputTokens: 1_000, outputTokens: 100 });
      expect(computeCostMicros('unknown', 'claude-haiku-4-5-20251001', request, AT)).toBe(1_500);
      expect(computeCostMicros('custom', 'claude-haiku-4-5-20251001', request, AT)).toBe(1_500);
    });

    it('is undefined for a model the table does not know', () => {
      const request = usage({ uncachedInputTokens: 1_000, outputTokens: 100 });
      expect(computeCostMicros('anthropic', 'claude-fictional-9', request, AT)).toBeUndefined();
      expect(computeCostMicros('custom', 'my-finetune', request, AT)).toBeUndefined();
      expect(computeCostMicros('openai', '', request, AT)).toBeUndefined();
    });

    it('is undefined for ollama, whose local models have no price', () => {
      const request = usage({ uncachedInputTokens: 1_000, outputTokens: 100 });
      expect(computeCostMicros('ollama', 'gpt-oss:20b', request, AT)).toBeUndefined();
    });
  });

  describe('bounds and bad input', () => {
    it('clamps to the schema maximum of 100,000,000 micros', () => {
      // claude-opus-4-1 output 75: 10,000,000 tokens would be 750,000,000 micros.
      const huge = usage({ outputTokens: 10_000_000 });
      expect(computeCostMicros('anthropic', 'claude-opus-4-1', huge, AT)).toBe(100_000_000);
    });

    it('is 0 for a request of no tokens', () => {
      expect(computeCostMicros('openai', 'gpt-5', usage({}), AT)).toBe(0);
    });

    it('reads negative, fractional and non-numeric counts as whole non-negative counts', () => {
      const garbage = {
        uncachedInputTokens: -5,
        cacheReadTokens: Number.NaN,
        cacheWriteTokens: Number.POSITIVE_INFINITY,
        outputTokens: 100.9,
        reasoningTokens: 1_000,
      } satisfies UsageBreakdown;
      expect(computeCostMicros('openai', 'gpt-5', garbage, AT)).toBe(100 * 10);
      const notNumbers = {
        outputTokens: '100',
        reasoningTokens: null,
      } as unknown as UsageBreakdown;
      expect(computeCostMicros('openai', 'gpt-5', notNumbers, AT)).toBe(0);
      expect(computeCostMicros('openai', 'gpt-5', null as unknown as UsageBreakdown, AT)).toBe(0);
    });

    it('prices an invalid request time at the current prices', () => {
      const request = usage({ uncachedInputTokens: 1_000 });
      expect(computeCostMicros('openai', 'gpt-5', request, new Date(Number.NaN))).toBe(1_250);
      expect(computeCostMicros('openai', 'gpt-5', request, Number.NaN)).toBe(1_250);
    });

    it('never throws on a model name that is not a string or is very long', () => {
      const request = usage({ uncachedInputTokens: 1_000 });
      expect(computeCostMicros('openai', 42 as unknown as string, request, AT)).toBeUndefined();
      expect(
        computeCostMicros('openai', `gpt-5${'x'.repeat(100_000)}`, request, AT),
      ).toBeUndefined();
      expect(computeCostMicros('openai', '  gpt-5  ', request, AT)).toBe(1_250);
    });
  });
});

import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';
import { describe, expect, it } from 'vitest';
import { PredictionCache } from '../src/predictions/prediction-cache.js';

const query = (model: string): PredictionQuery => ({
  task_type: 'implementation',
  model,
  provider: 'anthropic',
  complexity: 'medium',
});
const answer = {
  prediction: null,
  metadata: { cache_hit: false },
} as unknown as PredictionResponse;

describe('PredictionCache', () => {
  describe('set', () => {
    it('keeps at most maxEntries answers, dropping the oldest first', () => {
      const cache = new PredictionCache({ ttlMs: 60_000, maxEntries: 3 }, () => 0);
      for (const model of ['a', 'b', 'c', 'd', 'e']) cache.set(query(model), answer);
      expect(cache.size).toBe(3);
      expect(cache.get(query('a'))).toBeUndefined();
      expect(cache.get(query('b'))).toBeUndefined();
      expect(cache.get(query('e'))?.metadata.cache_hit).toBe(true);
    });

    it('sweeps expired answers on a write even when nobody reads them again', () => {
      let now = 0;
      const cache = new PredictionCache({ ttlMs: 1_000, maxEntries: 100 }, () => now);
      for (const model of ['a', 'b', 'c']) cache.set(query(model), answer);
      now = 500;
      cache.set(query('d'), answer);
      expect(cache.size).toBe(4);
      now = 1_200;
      cache.set(query('e'), answer);
      expect(cache.size).toBe(2); // a, b, c expired at 1,000 and were swept; d and e stay
      expect(cache.get(query('d'))).toBeDefined();
    });
  });

  describe('constructor', () => {
    it('refuses a maxEntries below 1, naming the option', () => {
      expect(() => new PredictionCache({ ttlMs: 1, maxEntries: 0 })).toThrow(
        /predictionCacheMaxEntries/,
      );
    });
  });
});

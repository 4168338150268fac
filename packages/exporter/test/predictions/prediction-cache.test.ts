import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';
import { describe, expect, it } from 'vitest';
import {
  PREDICTION_ENTRY_OVERHEAD_BYTES,
  PredictionCache,
  predictionEntryBytes,
} from '../../src/predictions/prediction-cache.js';

const query = (model: string): PredictionQuery => ({
  task_type: 'implementation',
  model,
  provider: 'openai',
  complexity: 'medium',
});

const response = (note: string | null): PredictionResponse => ({
  prediction: null,
  metadata: {
    sample_size: 0,
    fallback_level: -1,
    confidence: 'none',
    last_updated: null,
    dimensions_matched: null,
    fallback_note: note,
    cache_hit: false,
  },
});

const entry = (note: string | null) => ({
  response: response(note),
  freshUntil: Number.POSITIVE_INFINITY,
  staleUntil: Number.POSITIVE_INFINITY,
  revalidateAt: Number.POSITIVE_INFINITY,
});

describe('predictionEntryBytes', () => {
  describe('an answer', () => {
    it('is the fixed overhead plus two bytes per character of the query (twice) and the answer', () => {
      const q = query('m');
      // query: 14 + 1 + 6 + 6 characters, held by the query and the flat key; answer: 'none' + note
      expect(predictionEntryBytes(q, response('x'.repeat(100)))).toBe(
        PREDICTION_ENTRY_OVERHEAD_BYTES + 2 * 2 * 27 + 2 * (4 + 100),
      );
      expect(predictionEntryBytes(q, response(null))).toBe(
        PREDICTION_ENTRY_OVERHEAD_BYTES + 2 * 2 * 27 + 2 * 4,
      );
    });
  });
});

describe('PredictionCache', () => {
  describe('bytes', () => {
    it('adds each entry, replaces a query without counting it twice, and drops to 0 on clear', () => {
      const cache = new PredictionCache(100, 1_000_000);
      cache.set(query('a'), entry('x'.repeat(10)));
      cache.set(query('b'), entry(null));
      const a = predictionEntryBytes(query('a'), response('x'.repeat(10)));
      const b = predictionEntryBytes(query('b'), response(null));
      expect(cache.bytes).toBe(a + b);
      cache.set(query('a'), entry('y'.repeat(500)));
      expect(cache.size).toBe(2);
      expect(cache.bytes).toBe(predictionEntryBytes(query('a'), response('y'.repeat(500))) + b);
      const stored = cache.lookup(query('b'));
      if (stored === undefined) throw new Error('b not cached');
      cache.delete(stored);
      expect(cache.bytes).toBe(predictionEntryBytes(query('a'), response('y'.repeat(500))));
      cache.delete(stored); // no longer held: nothing changes
      expect(cache.bytes).toBe(predictionEntryBytes(query('a'), response('y'.repeat(500))));
      cache.clear();
      expect([cache.size, cache.bytes]).toEqual([0, 0]);
    });
  });

  describe('set', () => {
    it('evicts the oldest entries to stay within maxBytes', () => {
      const note = 'n'.repeat(1024);
      const each = predictionEntryBytes(query('m00000'), response(note));
      const cache = new PredictionCache(1_000_000, 100 * each);
      for (let i = 0; i < 10_000; i++) {
        cache.set(query(`m${String(i).padStart(5, '0')}`), entry(note));
        expect(cache.bytes).toBeLessThanOrEqual(100 * each);
      }
      expect(cache.size).toBe(100);
      expect(cache.lookup(query('m09899'))).toBeUndefined();
      expect(cache.lookup(query('m09900'))).toBeDefined();
      expect(cache.lookup(query('m09999'))).toBeDefined();
    });

    it('still evicts the oldest beyond maxEntries', () => {
      const cache = new PredictionCache(3, 1_000_000);
      for (const model of ['a', 'b', 'c', 'd']) cache.set(query(model), entry(null));
      expect(cache.size).toBe(3);
      expect(cache.lookup(query('a'))).toBeUndefined();
    });

    it('keeps no answer larger than maxBytes on its own', () => {
      const cache = new PredictionCache(10, 4096);
      cache.set(query('small'), entry(null));
      cache.set(query('huge'), entry('h'.repeat(10_000)));
      expect([cache.size, cache.bytes]).toEqual([0, 0]);
    });
  });
});

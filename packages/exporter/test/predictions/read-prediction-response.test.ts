import { describe, expect, it } from 'vitest';
import {
  PREDICTION_STRING_LIMITS,
  readPredictionBatch,
  readPredictionResponse,
} from '../../src/predictions/read-prediction-response.js';

/** A well-formed answer whose metadata strings are `strings`. */
function answer(strings: {
  note?: string | null;
  lastUpdated?: string | null;
  dimension?: string | null;
}) {
  return {
    prediction: null,
    metadata: {
      sample_size: 0,
      fallback_level: -1,
      confidence: 'none',
      last_updated: strings.lastUpdated ?? null,
      dimensions_matched: {
        task_type: strings.dimension ?? null,
        model: strings.dimension ?? null,
        provider: strings.dimension ?? null,
        complexity: strings.dimension ?? null,
      },
      fallback_note: strings.note ?? null,
      cache_hit: false,
    },
  };
}

function read(value: unknown) {
  const read = readPredictionResponse(value);
  if (typeof read === 'string') throw new Error(read);
  return read;
}

describe('readPredictionResponse', () => {
  describe('string fields', () => {
    it('keeps strings within the limits as they came', () => {
      const note = 'No exact match: dropped complexity.';
      const r = read(
        answer({ note, lastUpdated: '2026-01-01T00:00:00.000Z', dimension: 'gpt-4o' }),
      );
      expect(r.metadata.fallback_note).toBe(note);
      expect(r.metadata.last_updated).toBe('2026-01-01T00:00:00.000Z');
      expect(r.metadata.dimensions_matched?.model).toBe('gpt-4o');
    });

    it('cuts every string field to its limit', () => {
      const r = read(
        answer({
          note: 'n'.repeat(80_000),
          lastUpdated: 'u'.repeat(5000),
          dimension: 'd'.repeat(5000),
        }),
      );
      expect(r.metadata.fallback_note).toBe('n'.repeat(PREDICTION_STRING_LIMITS.fallback_note));
      expect(r.metadata.last_updated).toBe('u'.repeat(PREDICTION_STRING_LIMITS.last_updated));
      const matched = r.metadata.dimensions_matched;
      for (const value of Object.values(matched ?? {})) {
        expect(value).toBe('d'.repeat(PREDICTION_STRING_LIMITS.dimension));
      }
    });

    it('never cuts between the halves of a surrogate pair', () => {
      const max = PREDICTION_STRING_LIMITS.fallback_note;
      const note = `${'n'.repeat(max - 1)}\u{1F600}tail`;
      const cut = read(answer({ note })).metadata.fallback_note ?? '';
      expect(cut).toBe('n'.repeat(max - 1));
      expect(cut.charCodeAt(cut.length - 1)).toBe(0x6e); // no lone high surrogate at the end
    });

    it('cuts the notes of a whole batch read from one body', () => {
      const body = JSON.stringify({
        results: Array.from({ length: 50 }, () => answer({ note: 'n'.repeat(80_000) })),
      });
      const batch = readPredictionBatch(body, 50);
      if (typeof batch === 'string') throw new Error(batch);
      for (const r of batch) {
        if (typeof r === 'string') throw new Error(r);
        expect(r.metadata.fallback_note).toHaveLength(PREDICTION_STRING_LIMITS.fallback_note);
      }
    });
  });
});

import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.js';

describe('percentile', () => {
  describe('percentile', () => {
    it('interpolates linearly between the closest ranks like numpy', () => {
      // numpy.percentile([1, 2, 3, 4], [10, 25, 50, 75, 90]) = 1.3, 1.75, 2.5, 3.25, 3.7
      const values = [1, 2, 3, 4];
      expect([0.1, 0.25, 0.5, 0.75, 0.9].map((p) => percentile(values, p))).toEqual([
        expect.closeTo(1.3, 10),
        1.75,
        2.5,
        3.25,
        expect.closeTo(3.7, 10),
      ]);
    });

    it('returns the extremes at 0 and 1 and the only value of a single-item list', () => {
      expect(percentile([5, 9], 0)).toBe(5);
      expect(percentile([5, 9], 1)).toBe(9);
      expect(percentile([42], 0.9)).toBe(42);
    });

    it('returns NaN when the list is empty', () => {
      expect(percentile([], 0.5)).toBeNaN();
    });
  });
});

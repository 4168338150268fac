import { describe, expect, it } from 'vitest';
import {
  PREDICTIONS_OPTION_DEFAULTS,
  resolvePredictionsOptions,
} from '../../src/predictions/resolve-predictions-options.js';

describe('resolvePredictionsOptions', () => {
  describe('maxBytes', () => {
    it('defaults to 8 MiB', () => {
      const resolved = resolvePredictionsOptions(undefined, false);
      expect(resolved.maxBytes).toBe(8 * 1024 * 1024);
      expect(PREDICTIONS_OPTION_DEFAULTS.maxBytes).toBe(8 * 1024 * 1024);
    });

    it('takes an integer from 64 KiB to 1 GiB', () => {
      for (const maxBytes of [65_536, 1_048_576, 1_073_741_824]) {
        expect(resolvePredictionsOptions({ maxBytes }, false)).toMatchObject({
          valid: true,
          maxBytes,
        });
      }
    });

    it('refuses anything else, which runs the helper disabled', () => {
      for (const maxBytes of [0, 65_535, 1_500_000.5, 2 ** 31, Number.NaN, '8000000']) {
        const resolved = resolvePredictionsOptions({ maxBytes: maxBytes as never }, false);
        expect(resolved.valid, String(maxBytes)).toBe(false);
        expect(resolved.maxBytes).toBe(8 * 1024 * 1024);
      }
    });
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/transport/parse-retry-after.js';

const NOW = Date.parse('2026-12-06T12:00:00.000Z');

describe('parseRetryAfter', () => {
  describe('delay-seconds', () => {
    it('reads whole and fractional seconds as milliseconds', () => {
      expect(parseRetryAfter('0', NOW)).toBe(0);
      expect(parseRetryAfter('7', NOW)).toBe(7000);
      expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
      expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    });

    it('clamps a huge number of seconds to a day, never Infinity', () => {
      expect(parseRetryAfter('999999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
      expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(MAX_RETRY_AFTER_MS);
      expect(MAX_RETRY_AFTER_MS).toBe(86_400_000);
    });
  });

  describe('HTTP-date', () => {
    it('reads an IMF-fixdate as the time until it', () => {
      expect(parseRetryAfter('Sun, 06 Dec 2026 12:00:30 GMT', NOW)).toBe(30_000);
    });

    it('gives 0 for a date in the past', () => {
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(0);
    });

    it('clamps a date far in the future to a day', () => {
      expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
    });
  });

  describe('unreadable', () => {
    it.each([
      ['absent', undefined],
      ['blank', '   '],
      ['a word', 'soon'],
      ['a negative number', '-5'],
      ['a negative fraction', '-0.5'],
      ['an exponent', '1e3'],
      ['hex', '0x10'],
      ['a number with a unit', '5s'],
    ])('is undefined for %s', (_, header) => {
      expect(parseRetryAfter(header, NOW)).toBeUndefined();
    });
  });
});

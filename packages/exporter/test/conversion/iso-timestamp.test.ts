import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../src/conversion/iso-timestamp.js';

/** RFC 3339 `date-time` in UTC with milliseconds: four-digit year, nothing before or after. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Formats `ms` and returns what was written and the corrections counted. */
function format(ms: number) {
  const corrections: string[] = [];
  const written = isoTimestamp(ms, { onCorrection: (key) => corrections.push(key) });
  return { written, corrections };
}

/** Whether the event schema (and so the server) takes `timestamp`. */
function schemaTakes(timestamp: string): boolean {
  const problems = validateTaskCompletionEvent({ timestamp });
  return !problems.some((p) => p.startsWith('timestamp'));
}

describe('isoTimestamp', () => {
  describe('times from year 0000 to 9999', () => {
    it('writes what Date#toISOString writes, across days, leap days and years', () => {
      const values = [
        0, 999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 1_700_000_012_345,
        1_700_000_012_345.9, 4_102_444_800_000, 253_402_300_799_999,
      ];
      for (let i = 0; i < 2000; i++) values.push(Math.floor(i * 126_701_150_399.9995));
      for (const ms of values) {
        expect(format(ms)).toEqual({
          written: new Date(Math.trunc(ms)).toISOString(),
          corrections: [],
        });
      }
    });

    it('falls back to Date#toISOString before 1970, down to the first instant of year 0000', () => {
      for (const ms of [-1, -86_400_001, -3e13, FIRST_MS, -0]) {
        expect(format(ms)).toEqual({
          written: new Date(Math.trunc(ms)).toISOString(),
          corrections: [],
        });
      }
      expect(format(FIRST_MS).written).toBe('0000-01-01T00:00:00.000Z');
    });
  });

  describe('times outside years 0000-9999', () => {
    it('clamps a time before year 0000 to its first instant and counts the correction', () => {
      const yearMinus1 = new Date(0);
      yearMinus1.setUTCFullYear(-1, 5, 15);
      for (const ms of [
        -1e14,
        yearMinus1.getTime(),
        FIRST_MS - 1,
        -8.64e15,
        -1e20,
        -Number.MAX_VALUE,
      ]) {
        expect(format(ms), String(ms)).toEqual({
          written: '0000-01-01T00:00:00.000Z',
          corrections: ['timestamp'],
        });
      }
    });

    it('clamps a time from year 10000 on to the last instant of 9999 and counts the correction', () => {
      for (const ms of [LAST_MS + 1, 253_402_300_800_000, 3e14, 8.64e15, 1e20, Number.MAX_VALUE]) {
        expect(format(ms), String(ms)).toEqual({
          written: '9999-12-31T23:59:59.999Z',
          corrections: ['timestamp'],
        });
      }
    });

    it('writes the current time for a value that is no time, and counts the correction', () => {
      for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const before = Date.now();
        const { written, corrections } = format(ms);
        const parsed = Date.parse(written);
        expect(parsed).toBeGreaterThanOrEqual(before);
        expect(parsed).toBeLessThanOrEqual(Date.now());
        expect(corrections).toEqual(['timestamp']);
      }
    });

    it('needs no correction context', () => {
      expect(isoTimestamp(-1e14)).toBe('0000-01-01T00:00:00.000Z');
    });
  });

  describe('any number', () => {
    it('gives an RFC 3339 time with a four-digit year that the schema takes', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.double(),
            fc.integer({ min: -8.64e15, max: 8.64e15 }),
            fc.integer({ min: FIRST_MS - 1000, max: FIRST_MS + 1000 }),
            fc.integer({ min: LAST_MS - 1000, max: LAST_MS + 1000 }),
          ),
          (ms) => {
            const { written, corrections } = format(ms);
            expect(written).toMatch(RFC3339);
            expect(schemaTakes(written)).toBe(true);
            const t = Math.trunc(ms);
            const inRange = t >= FIRST_MS && t <= LAST_MS;
            expect(corrections).toEqual(inRange ? [] : ['timestamp']);
            if (inRange) expect(written).toBe(new Date(t).toISOString());
            else if (!Number.isFinite(t))
              expect(Date.parse(written)).toBeLessThanOrEqual(Date.now());
            else if (t < FIRST_MS) expect(written).toBe('0000-01-01T00:00:00.000Z');
            else if (t > LAST_MS) expect(written).toBe('9999-12-31T23:59:59.999Z');
          },
        ),
        { numRuns: 5000 },
      );
    });
  });
});

import { binRange, valueBin } from './value-bin.js';

/**
 * Significant bits of the duration histograms the web view reads: durations below 32 ms exact,
 * longer ones in 16 to 32 bins per power of two, so a bin's middle is within 3.2% of any value in it.
 */
const DURATION_BITS = 5;

/** The bin of a task duration (ms) in `hourly_durations`. */
export const durationBin = (ms: number): number => valueBin(ms, DURATION_BITS);

/** The middle of a duration bin, rounded to whole ms: what a percentile read from bins reports. */
export function durationBinMiddle(bin: number): number {
  const [low, high] = binRange(bin, DURATION_BITS);
  return Math.round((low + high) / 2);
}

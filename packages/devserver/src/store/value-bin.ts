/** Significant bits kept per bin: values below 2^8 get a bin each, larger ones share 1/256 of an octave. */
const MANTISSA_BITS = 8;
const MANTISSA = 1 << MANTISSA_BITS;

/**
 * The coarse histogram bin of a non-negative integer below 2^31 (log-linear, like HdrHistogram):
 * monotonic in the value, at most 256 bins per power of two, so a column has a few thousand bins
 * whatever the row count.
 */
export function valueBin(value: number): number {
  const shift = Math.max(0, 32 - Math.clz32(value) - MANTISSA_BITS);
  return shift * MANTISSA + (value >>> shift);
}

/** The smallest and largest value of `bin`. */
export function binRange(bin: number): [low: number, high: number] {
  const shift = Math.floor(bin / MANTISSA);
  const mantissa = bin - shift * MANTISSA;
  return [mantissa * 2 ** shift, (mantissa + 1) * 2 ** shift - 1];
}

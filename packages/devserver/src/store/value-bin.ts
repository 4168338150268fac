/** Significant bits kept per bin: values below 2^8 get a bin each, larger ones share 1/256 of an octave. */
const MANTISSA_BITS = 8;

/**
 * The coarse histogram bin of a non-negative integer below 2^31 (log-linear, like HdrHistogram):
 * monotonic in the value, at most 2^`bits` bins per power of two, so a column has a few thousand
 * bins whatever the row count.
 */
export function valueBin(value: number, bits = MANTISSA_BITS): number {
  const shift = Math.max(0, 32 - Math.clz32(value) - bits);
  return shift * 2 ** bits + (value >>> shift);
}

/** The smallest and largest value of `bin` (of `valueBin` with the same `bits`). */
export function binRange(bin: number, bits = MANTISSA_BITS): [low: number, high: number] {
  const mantissa = 2 ** bits;
  const shift = Math.floor(bin / mantissa);
  const rest = bin - shift * mantissa;
  return [rest * 2 ** shift, (rest + 1) * 2 ** shift - 1];
}

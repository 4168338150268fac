/** The part of a conversion context that counts corrected values. */
interface Corrections {
  readonly onCorrection: (key: string) => void;
}

/** First instant of year 10000: beyond it `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;
/** First instant of year 0000: before it `toISOString` writes `-00000Y`, which RFC 3339 has not. */
const YEAR_0_MS = -62_167_219_200_000;

/**
 * Epoch ms (truncated) as an RFC 3339 UTC date-time with a four-digit year, the form the event
 * schema takes (`Date#toISOString`). A time outside years 0000 to 9999 is clamped to their first
 * or last millisecond, and a non-finite one is now; either is counted as a correction of
 * `timestamp`.
 */
export function isoTimestamp(ms: number, ctx?: Corrections): string {
  let t = Math.trunc(ms);
  if (!(t >= YEAR_0_MS && t < YEAR_10000_MS)) {
    ctx?.onCorrection('timestamp');
    if (!Number.isFinite(t)) t = Date.now();
    else t = t < YEAR_0_MS ? YEAR_0_MS : YEAR_10000_MS - 1;
  }
  return new Date(t).toISOString();
}

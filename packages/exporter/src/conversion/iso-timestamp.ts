/** The part of a conversion context that counts corrected values. */
interface Corrections {
  readonly onCorrection: (key: string) => void;
}

const DAY_MS = 86_400_000;
/** First instant of year 10000: beyond it `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;
/** First instant of year 0000: before it `toISOString` writes `-00000Y`, which RFC 3339 has not. */
const YEAR_0_MS = -62_167_219_200_000;
/** What a time before year 0000 is written as. */
const FIRST_INSTANT = '0000-01-01T00:00:00.000Z';
/** The event field a clamped time is counted under. */
const TIMESTAMP = 'timestamp';
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** `HH:`, `MM:`, `SS.` and `mmmZ` by value: a time of day is four look-ups, no number formatting. */
const HOURS = Array.from({ length: 24 }, (_, h) => `${pad(h, 2)}:`);
const MINUTES = Array.from({ length: 60 }, (_, m) => `${pad(m, 2)}:`);
const SECONDS = Array.from({ length: 60 }, (_, s) => `${pad(s, 2)}.`);
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${pad(ms, 3)}Z`);
/** `YYYY-MM-DDT` of the day last formatted: task spans of a batch nearly always share a day. */
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * Epoch ms (truncated) as an RFC 3339 UTC date-time with a four-digit year, the form the event
 * schema takes: `Date#toISOString` for every time from year 0000 to 9999. A time outside that
 * range is clamped to its first or last millisecond, and a non-finite one is now; either is
 * counted as a correction of `timestamp`. From 1970 on (nearly every span) the date part is cached
 * per day and the time of day put together from tables: `toISOString` costs most of a
 * microsecond, a sizeable share of the CPU of exporting one span.
 */
export function isoTimestamp(ms: number, ctx?: Corrections): string {
  let t = Math.trunc(ms);
  if (!(t >= 0 && t < YEAR_10000_MS)) {
    if (t >= YEAR_0_MS && t < 0) return new Date(t).toISOString();
    ctx?.onCorrection(TIMESTAMP);
    if (!Number.isFinite(t)) t = Date.now();
    else if (t < YEAR_0_MS) return FIRST_INSTANT;
    else t = YEAR_10000_MS - 1;
  }
  const day = Math.floor(t / DAY_MS);
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = t - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDayPrefix}${HOURS[hours]}${MINUTES[minutes]}${SECONDS[seconds]}${MILLIS[rest - seconds * 1000]}`;
}

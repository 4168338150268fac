/** What the web view's reads select: an event time range and any of the dimensions. */
export interface TaskFilter {
  /** Event timestamps from (inclusive), epoch ms. */
  from?: number;
  /** Event timestamps up to (exclusive), epoch ms. */
  to?: number;
  task_type?: string;
  model?: string;
  provider?: string;
  complexity?: string;
  harness?: string;
  outcome?: string;
}

/** The dimension filters, in the order their SQL conditions and parameters appear. */
export const DIMENSIONS = [
  'task_type',
  'model',
  'provider',
  'complexity',
  'harness',
  'outcome',
] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Columns of the bucket table; the others are columns of the events and hourly tables. */
const BUCKET_COLUMNS: ReadonlySet<Dimension> = new Set([
  'task_type',
  'model',
  'provider',
  'complexity',
]);

export const HOUR_MS = 3_600_000;

/** A range split into whole hours read from the hourly tables and the ends read from events. */
export interface RangeParts {
  /** Hours h with `hours[0] <= h < hours[1]` (an empty pair when none). */
  hours: [number, number];
  /** Two time ranges of events `[from, to)` (empty pairs when unused). */
  edges: [[number, number], [number, number]];
}

const NONE: [number, number] = [0, 0];

/** Splits `[from, to)` into the whole hours inside it and the partial hours at its ends. */
export function splitRange(from: number | undefined, to: number | undefined): RangeParts {
  const firstHour = from === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(from / HOUR_MS);
  const endHour = to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(to / HOUR_MS);
  if (firstHour >= endHour) {
    // Both ends are known here: the range lies within two adjacent hours.
    const lo = from as number;
    const hi = to as number;
    return { hours: NONE, edges: [lo < hi ? [lo, hi] : NONE, NONE] };
  }
  const left: [number, number] =
    from !== undefined && from < firstHour * HOUR_MS ? [from, firstHour * HOUR_MS] : NONE;
  const right: [number, number] =
    to !== undefined && endHour * HOUR_MS < to ? [endHour * HOUR_MS, to] : NONE;
  return { hours: [firstHour, endHour], edges: [left, right] };
}

/**
 * The dimensions a filter sets, as a statement cache key and the SQL conditions (each starting
 * with AND) on the columns of a table with `bucket_id`, `harness` and `outcome`, aliased `alias`.
 */
export function dimensionConditions(
  filter: TaskFilter,
  alias = '',
): {
  used: Dimension[];
  key: string;
  sql: string;
} {
  const used = DIMENSIONS.filter((d) => filter[d] !== undefined);
  const buckets = used.filter((d) => BUCKET_COLUMNS.has(d));
  const own = used.filter((d) => !BUCKET_COLUMNS.has(d));
  const parts = own.map((d) => ` AND ${alias}${d} = ?`);
  if (buckets.length > 0) {
    const where = buckets.map((d) => `${d} = ?`).join(' AND ');
    parts.unshift(` AND ${alias}bucket_id IN (SELECT id FROM buckets WHERE ${where})`);
  }
  // `used` lists the dimensions in the order of their parameters in `sql`.
  return { used: [...buckets, ...own], key: used.join(','), sql: parts.join('') };
}

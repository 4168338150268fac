import type Database from 'better-sqlite3';

const HOUR_MS = 3_600_000;
/** Most models (and most values of a dimension) a summary lists; clients choose model names. */
const MAX_ROWS = 200;
/** Most hours of the series (the latest ones): timestamps come from clients and may spread far. */
const MAX_HOURS = 2_000;

/** Time range of a summary, epoch ms; both optional, resolved to whole hours. */
export interface SummaryQuery {
  from?: number;
  to?: number;
}

/** Token and cost totals of a group of events. */
export interface Totals {
  events: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd_micros: number;
}

/** What the web view charts: totals per hour, per task type and per model, and the known values. */
export interface Summary {
  /** Events stored, including any not yet folded into the totals. */
  stored_events: number;
  totals: Totals;
  /** The latest hours (at most 2,000) with events, oldest first. */
  hourly: (Totals & { hour_start: string })[];
  by_task_type: (Totals & { task_type: string })[];
  by_model: (Totals & { model: string; provider: string })[];
  dimensions: { task_types: string[]; models: string[]; providers: string[] };
}

const SUMS = `sum(h.events) AS events, sum(h.input_tokens) AS input_tokens,
  sum(h.output_tokens) AS output_tokens, sum(h.cost_usd_micros) AS cost_usd_micros`;

const hourOf = (ms: number | undefined, fallback: number): number =>
  ms === undefined ? fallback : Math.floor(ms / HOUR_MS);

/** Totals from the folded hourly aggregates (never a scan of events). */
export function summarize(db: Database.Database, query: SummaryQuery, stored: number): Summary {
  const range = [
    hourOf(query.from, Number.MIN_SAFE_INTEGER),
    query.to === undefined ? Number.MAX_SAFE_INTEGER : Math.ceil(query.to / HOUR_MS) - 1,
  ];
  const where = 'WHERE h.hour BETWEEN ? AND ?';
  const hourly = db
    .prepare<number[], Totals & { hour: number }>(
      `SELECT h.hour AS hour, ${SUMS} FROM hourly_totals h ${where}
        GROUP BY h.hour ORDER BY h.hour DESC LIMIT ${MAX_HOURS}`,
    )
    .all(...range)
    .reverse();
  const totals = db
    .prepare<number[], Totals>(`SELECT ${SUMS} FROM hourly_totals h ${where}`)
    .get(...range) as Totals;
  const byTaskType = db
    .prepare<number[], Totals & { task_type: string }>(
      `SELECT b.task_type AS task_type, ${SUMS} FROM hourly_totals h JOIN buckets b ON b.id = h.bucket_id
        ${where} GROUP BY b.task_type ORDER BY cost_usd_micros DESC, b.task_type`,
    )
    .all(...range);
  const byModel = db
    .prepare<number[], Totals & { model: string; provider: string }>(
      `SELECT b.model AS model, b.provider AS provider, ${SUMS} FROM hourly_totals h
        JOIN buckets b ON b.id = h.bucket_id ${where}
        GROUP BY b.model, b.provider ORDER BY cost_usd_micros DESC, b.model LIMIT ${MAX_ROWS}`,
    )
    .all(...range);
  const distinct = (column: string): string[] =>
    db
      .prepare<[], { v: string }>(
        `SELECT DISTINCT ${column} AS v FROM buckets ORDER BY v LIMIT ${MAX_ROWS}`,
      )
      .all()
      .map((row) => row.v);
  return {
    stored_events: stored,
    totals: {
      events: totals.events ?? 0,
      input_tokens: totals.input_tokens ?? 0,
      output_tokens: totals.output_tokens ?? 0,
      cost_usd_micros: totals.cost_usd_micros ?? 0,
    },
    hourly: hourly.map(({ hour, ...t }) => ({
      hour_start: new Date(hour * HOUR_MS).toISOString(),
      ...t,
    })),
    by_task_type: byTaskType,
    by_model: byModel,
    dimensions: {
      task_types: distinct('task_type'),
      models: distinct('model'),
      providers: distinct('provider'),
    },
  };
}

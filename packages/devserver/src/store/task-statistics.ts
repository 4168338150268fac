import type Database from 'better-sqlite3';
import { durationBinMiddle } from './duration-bin.js';
import { dimensionConditions, HOUR_MS, splitRange, type TaskFilter } from './task-filter.js';

const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: weeks start on the Monday three days before. */
const MONDAY_SHIFT_MS = 3 * DAY_MS;
/** Most points of a series (the latest ones): timestamps come from clients and may spread far. */
const MAX_POINTS = 2_000;
/** Most groups a breakdown lists one by one; the rest are summed into `other`. */
export const MAX_GROUPS = 200;

/** How a series groups time. */
export type Grain = 'hour' | 'day' | 'week';
/** What a breakdown groups by. */
export type BreakdownBy = 'model' | 'task_type';

/** Totals, rates and duration percentiles of the tasks a filter selects. */
export interface TaskTotals {
  tasks: number;
  /** Share of the tasks whose outcome is success; null without tasks. */
  success_rate: number | null;
  /** Share of the tasks whose quality gates passed; null without tasks. */
  gate_pass_rate: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd_micros: number;
  /** Actual over estimated tokens, over the tasks that carried an estimate; null when none did. */
  correction_factors: { input: number | null; output: number | null };
  /** Duration percentiles read from bins: within 3.2% of the exact value; null without tasks. */
  duration_ms: { p50: number | null; p95: number | null };
}

/** One point of a series: the tasks whose time falls in `[start, start + grain)`. */
export interface SeriesPoint {
  start: string;
  tasks: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd_micros: number;
}

/** One group of a breakdown. */
export type BreakdownGroup = TaskTotals & { task_type?: string; provider?: string; model?: string };

interface SumRow {
  events: number | null;
  successes: number | null;
  gates_passed: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd_micros: number | null;
  estimated_input: number | null;
  actual_input_estimated: number | null;
  estimated_output: number | null;
  actual_output_estimated: number | null;
}

const SUM_COLUMNS = `events, input_tokens, output_tokens, cost_usd_micros, gates_passed,
  estimated_input, actual_input_estimated, estimated_output, actual_output_estimated`;

/** The event columns an hourly_stats row sums, for one event (the same names). */
const EVENT_AS_SUMS = `1 AS events, actual_input_tokens AS input_tokens,
  actual_output_tokens AS output_tokens, actual_cost_usd_micros AS cost_usd_micros,
  quality_gate_passed AS gates_passed,
  iif(estimated_input_tokens > 0, estimated_input_tokens, 0) AS estimated_input,
  iif(estimated_input_tokens > 0, actual_input_tokens, 0) AS actual_input_estimated,
  iif(estimated_output_tokens > 0, estimated_output_tokens, 0) AS estimated_output,
  iif(estimated_output_tokens > 0, actual_output_tokens, 0) AS actual_output_estimated`;

const SUMS = `sum(s.events) AS events, sum(iif(s.outcome = 'success', s.events, 0)) AS successes,
  sum(s.gates_passed) AS gates_passed, sum(s.input_tokens) AS input_tokens,
  sum(s.output_tokens) AS output_tokens, sum(s.cost_usd_micros) AS cost_usd_micros,
  sum(s.estimated_input) AS estimated_input, sum(s.actual_input_estimated) AS actual_input_estimated,
  sum(s.estimated_output) AS estimated_output,
  sum(s.actual_output_estimated) AS actual_output_estimated`;

/** Whole hours from hourly_stats, the partial hours at both ends from events (by time index). */
const statsSource = (dims: string): string => {
  const edge = `SELECT bucket_id, harness, outcome, timestamp_ms AS t, ${EVENT_AS_SUMS}
    FROM events WHERE timestamp_ms >= ? AND timestamp_ms < ?${dims}`;
  return `SELECT bucket_id, harness, outcome, hour * ${HOUR_MS} AS t, ${SUM_COLUMNS}
    FROM hourly_stats WHERE hour >= ? AND hour < ?${dims} UNION ALL ${edge} UNION ALL ${edge}`;
};

/** The same split for the duration histograms. */
const durationSource = (dims: string): string => {
  const edge = `SELECT bucket_id, harness, outcome, timestamp_ms AS t,
    duration_bin(task_duration_ms) AS bin, 1 AS n
    FROM events WHERE timestamp_ms >= ? AND timestamp_ms < ?${dims}`;
  return `SELECT bucket_id, harness, outcome, hour * ${HOUR_MS} AS t, bin, n
    FROM hourly_durations WHERE hour >= ? AND hour < ?${dims} UNION ALL ${edge} UNION ALL ${edge}`;
};

const GROUP_COLUMNS: Record<BreakdownBy, string[]> = {
  model: ['provider', 'model'],
  task_type: ['task_type'],
};

const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const factor = (actual: number, estimated: number): number | null =>
  estimated > 0 ? Math.round((actual / estimated) * 10_000) / 10_000 : null;

/** Nearest-rank percentiles of a sorted bin histogram, each as its bin's middle. */
function percentiles(bins: readonly { bin: number; n: number }[], ps: readonly number[]) {
  const total = bins.reduce((sum, b) => sum + b.n, 0);
  return ps.map((p) => {
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (const { bin, n } of bins) {
      seen += n;
      if (seen >= rank) return durationBinMiddle(bin);
    }
    return null;
  });
}

function totalsOf(
  row: SumRow | undefined,
  bins: readonly { bin: number; n: number }[],
): TaskTotals {
  const tasks = row?.events ?? 0;
  const [p50, p95] = percentiles(bins, [0.5, 0.95]);
  return {
    tasks,
    success_rate: rate(row?.successes ?? 0, tasks),
    gate_pass_rate: rate(row?.gates_passed ?? 0, tasks),
    input_tokens: row?.input_tokens ?? 0,
    output_tokens: row?.output_tokens ?? 0,
    cost_usd_micros: row?.cost_usd_micros ?? 0,
    correction_factors: {
      input: factor(row?.actual_input_estimated ?? 0, row?.estimated_input ?? 0),
      output: factor(row?.actual_output_estimated ?? 0, row?.estimated_output ?? 0),
    },
    duration_ms: { p50: p50 ?? null, p95: p95 ?? null },
  };
}

/** Where a grain's slots start: the offset added to a time before dividing by the slot length. */
function slotOf(grain: Grain, utcOffsetMs: number): { length: number; shift: number } {
  if (grain === 'hour') return { length: HOUR_MS, shift: utcOffsetMs };
  if (grain === 'day') return { length: DAY_MS, shift: utcOffsetMs };
  return { length: WEEK_MS, shift: utcOffsetMs + MONDAY_SHIFT_MS };
}

/** The grain that gives a readable number of points for a span of `ms`. */
export function grainFor(ms: number): Grain {
  if (ms <= 2 * DAY_MS) return 'hour';
  if (ms <= 92 * DAY_MS) return 'day';
  return 'week';
}

/**
 * The web view's aggregates for a time range and filters, in SQL: the whole hours inside the range
 * from the folded hourly tables and only the partial hours at its ends from events, so the work
 * grows with the hours in the range and the events of two hours, never with all events.
 */
export class TaskStatistics {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement<unknown[], unknown>>();
  readonly #first: Database.Statement<[], { t: number | null }>;
  readonly #last: Database.Statement<[], { t: number | null }>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#first = db.prepare('SELECT min(timestamp_ms) AS t FROM events');
    this.#last = db.prepare('SELECT max(timestamp_ms) AS t FROM events');
  }

  /** The earliest and latest event time stored, epoch ms; undefined without events. */
  extent(): { first: number; last: number } | undefined {
    const first = this.#first.get()?.t;
    const last = this.#last.get()?.t;
    return first == null || last == null ? undefined : { first, last };
  }

  /** The models stored (each `provider/model` pair once), at most `MAX_GROUPS`, by name. */
  models(): { provider: string; model: string }[] {
    return this.#statement<{ provider: string; model: string }>(
      'models',
      `SELECT DISTINCT provider, model FROM buckets ORDER BY model, provider LIMIT ${MAX_GROUPS}`,
    ).all();
  }

  /** Totals, rates and duration percentiles of the selected tasks. */
  totals(filter: TaskFilter): TaskTotals {
    const { key, sql, params } = this.#shape(filter);
    const sums = this.#statement<SumRow>(
      `totals:${key}`,
      `SELECT ${SUMS} FROM (${statsSource(sql)}) s`,
    ).get(...params);
    const bins = this.#statement<{ bin: number; n: number }>(
      `durations:${key}`,
      `SELECT bin, sum(n) AS n FROM (${durationSource(sql)}) GROUP BY bin ORDER BY bin`,
    ).all(...params);
    return totalsOf(sums, bins);
  }

  /** Tokens and cost per hour, day or week (slots aligned to `utcOffsetMs`), oldest first. */
  series(filter: TaskFilter, grain: Grain, utcOffsetMs: number): SeriesPoint[] {
    const { key, sql, params } = this.#shape(filter);
    const { length, shift } = slotOf(grain, utcOffsetMs);
    const rows = this.#statement<SumRow & { slot: number }>(
      `series:${key}`,
      `SELECT slot_of(s.t, ?, ?) AS slot, ${SUMS} FROM (${statsSource(sql)}) s
        GROUP BY slot ORDER BY slot DESC LIMIT ${MAX_POINTS}`,
    ).all(shift, length, ...params);
    return rows.reverse().map((row) => ({
      start: new Date(row.slot * length - shift).toISOString(),
      tasks: row.events ?? 0,
      input_tokens: row.input_tokens ?? 0,
      output_tokens: row.output_tokens ?? 0,
      cost_usd_micros: row.cost_usd_micros ?? 0,
    }));
  }

  /**
   * The selected tasks per model (`provider/model`) or per task type, most tasks first: the first
   * `MAX_GROUPS` one by one, the rest summed into `other` (null when there is no rest).
   */
  breakdown(
    filter: TaskFilter,
    by: BreakdownBy,
  ): { groups: BreakdownGroup[]; other: TaskTotals | null } {
    const { key, sql, params } = this.#shape(filter);
    const columns = GROUP_COLUMNS[by];
    const select = columns.map((c) => `b.${c} AS ${c}`).join(', ');
    const groupBy = columns.map((c) => `b.${c}`).join(', ');
    const rows = this.#statement<SumRow & Record<string, string>>(
      `breakdown:${by}:${key}`,
      `SELECT ${select}, ${SUMS} FROM (${statsSource(sql)}) s JOIN buckets b ON b.id = s.bucket_id
        GROUP BY ${groupBy} ORDER BY events DESC, ${groupBy}`,
    ).all(...params);
    const binRows = this.#statement<{ group_key: string; bin: number; n: number }>(
      `breakdown-durations:${by}:${key}`,
      `SELECT json_array(${groupBy}) AS group_key, d.bin AS bin, sum(d.n) AS n
        FROM (${durationSource(sql)}) d JOIN buckets b ON b.id = d.bucket_id
        GROUP BY ${groupBy}, d.bin ORDER BY ${groupBy}, d.bin`,
    ).all(...params);
    const binsOf = new Map<string, { bin: number; n: number }[]>();
    for (const { group_key, bin, n } of binRows) {
      const list = binsOf.get(group_key) ?? [];
      list.push({ bin, n });
      binsOf.set(group_key, list);
    }
    const keyOf = (row: Record<string, unknown>) => JSON.stringify(columns.map((c) => row[c]));
    const groups = rows.slice(0, MAX_GROUPS).map((row) => ({
      ...Object.fromEntries(columns.map((c) => [c, row[c]])),
      ...totalsOf(row, binsOf.get(keyOf(row)) ?? []),
    }));
    const rest = rows.slice(MAX_GROUPS);
    if (rest.length === 0) return { groups, other: null };
    const sum = (name: keyof SumRow) => rest.reduce((total, row) => total + (row[name] ?? 0), 0);
    const restBins = new Map<number, number>();
    for (const row of rest) {
      for (const { bin, n } of binsOf.get(keyOf(row)) ?? []) {
        restBins.set(bin, (restBins.get(bin) ?? 0) + n);
      }
    }
    const other = totalsOf(
      Object.fromEntries(
        (
          [
            'events',
            'successes',
            'gates_passed',
            'input_tokens',
            'output_tokens',
            'cost_usd_micros',
            'estimated_input',
            'actual_input_estimated',
            'estimated_output',
            'actual_output_estimated',
          ] as const
        ).map((name) => [name, sum(name)]),
      ) as unknown as SumRow,
      [...restBins].sort((a, b) => a[0] - b[0]).map(([bin, n]) => ({ bin, n })),
    );
    return { groups, other };
  }

  /** The statement key, SQL conditions and parameters of a filter's three source branches. */
  #shape(filter: TaskFilter): { key: string; sql: string; params: (number | string)[] } {
    const { used, key, sql } = dimensionConditions(filter);
    const dims = used.map((d) => filter[d] as string);
    const { hours, edges } = splitRange(filter.from, filter.to);
    return {
      key,
      sql,
      params: [...hours, ...dims, ...edges[0], ...dims, ...edges[1], ...dims],
    };
  }

  #statement<Row>(key: string, sql: string): Database.Statement<unknown[], Row> {
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(key, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }
}

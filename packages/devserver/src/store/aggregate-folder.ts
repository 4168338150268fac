import type Database from 'better-sqlite3';
import { durationBin } from './duration-bin.js';
import { valueBin } from './value-bin.js';

/** The measured columns a prediction takes percentiles of, numbered as in `value_bins.measure`. */
export const MEASURES = [
  'actual_input_tokens',
  'actual_output_tokens',
  'actual_cost_usd_micros',
  'task_duration_ms',
] as const;

/** Rows folded per transaction: bounds the memory of one fold whatever the backlog. */
const CHUNK_ROWS = 20_000;
const HOUR_MS = 3_600_000;
/** Start value of a max over timestamps (events may predate 1970). */
const NO_TIME = Number.MIN_SAFE_INTEGER;

interface NewRow {
  id: number;
  bucket_id: number;
  harness: string;
  outcome: string;
  timestamp_ms: number;
  task_duration_ms: number;
  estimated_input_tokens: number;
  estimated_output_tokens: number;
  actual_input_tokens: number;
  actual_output_tokens: number;
  actual_cost_usd_micros: number;
  quality_gate_passed: number;
}

/** Packs (bucket, measure, value) into one safe integer: values < 2^31, measures < 4, buckets < 2^20. */
const VALUE_SPAN = 2 ** 31;
const pack = (bucket: number, measure: number, value: number): number =>
  (bucket * MEASURES.length + measure) * VALUE_SPAN + value;

/** Adds one at `key` of a count map. */
const bump = (map: Map<number, number>, key: number): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

/** Runs `upsert(bucket, measure, value, n)` for every entry, in key order (B-tree order). */
function upsertSorted(map: Map<number, number>, upsert: Database.Statement<number[]>): void {
  const keys = Float64Array.from(map.keys()).sort();
  for (const key of keys) {
    const value = key % VALUE_SPAN;
    const rest = (key - value) / VALUE_SPAN;
    const measure = rest % MEASURES.length;
    upsert.run((rest - measure) / MEASURES.length, measure, value, map.get(key) as number);
  }
}

/** The columns of an hourly_stats row after its key, in table order. */
const HOURLY_SUMS = 9;

/**
 * Keeps the aggregate tables (bucket totals, value histograms, hourly stats and duration
 * histograms per bucket, harness and outcome) equal to a fold of
 * every event up to a watermark, in chunks, each chunk and its watermark in one transaction.
 */
export class AggregateFolder {
  readonly #selectNew: Database.Statement<[number, number], NewRow>;
  readonly #watermark: Database.Statement<[], { value: string }>;
  readonly #setWatermark: Database.Statement<[string]>;
  readonly #upsertTotals: Database.Statement<number[]>;
  readonly #upsertBin: Database.Statement<number[]>;
  readonly #upsertCount: Database.Statement<number[]>;
  readonly #upsertHour: Database.Statement<(number | string)[]>;
  readonly #upsertDuration: Database.Statement<(number | string)[]>;
  readonly #foldChunk: (rows: number) => number;

  constructor(db: Database.Database) {
    this.#selectNew = db.prepare(
      `SELECT id, bucket_id, harness, outcome, timestamp_ms, task_duration_ms, estimated_input_tokens,
        estimated_output_tokens, actual_input_tokens, actual_output_tokens, actual_cost_usd_micros,
        quality_gate_passed FROM events WHERE id > ? ORDER BY id LIMIT ?`,
    );
    this.#watermark = db.prepare("SELECT value FROM meta WHERE key = 'folded_through'");
    this.#setWatermark = db.prepare(
      "INSERT INTO meta (key, value) VALUES ('folded_through', ?) ON CONFLICT DO UPDATE SET value = excluded.value",
    );
    this.#upsertTotals = db.prepare(
      `INSERT INTO bucket_totals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET events = events + excluded.events,
        input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens,
        cost_usd_micros = cost_usd_micros + excluded.cost_usd_micros,
        estimated_input = estimated_input + excluded.estimated_input,
        actual_input_estimated = actual_input_estimated + excluded.actual_input_estimated,
        estimated_output = estimated_output + excluded.estimated_output,
        actual_output_estimated = actual_output_estimated + excluded.actual_output_estimated,
        gates_passed = gates_passed + excluded.gates_passed,
        successes = successes + excluded.successes,
        last_timestamp_ms = max(last_timestamp_ms, excluded.last_timestamp_ms)`,
    );
    this.#upsertBin = db.prepare(
      'INSERT INTO value_bins VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
    );
    this.#upsertCount = db.prepare(
      'INSERT INTO value_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
    );
    this.#upsertHour = db.prepare(
      `INSERT INTO hourly_stats VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE
        SET events = events + excluded.events, input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens,
        cost_usd_micros = cost_usd_micros + excluded.cost_usd_micros,
        gates_passed = gates_passed + excluded.gates_passed,
        estimated_input = estimated_input + excluded.estimated_input,
        actual_input_estimated = actual_input_estimated + excluded.actual_input_estimated,
        estimated_output = estimated_output + excluded.estimated_output,
        actual_output_estimated = actual_output_estimated + excluded.actual_output_estimated`,
    );
    this.#upsertDuration = db.prepare(
      'INSERT INTO hourly_durations VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
    );
    this.#foldChunk = db.transaction((rows: number) =>
      this.#fold(this.#selectNew.all(this.#from(), rows)),
    );
  }

  /** Folds every event stored since the last fold; returns how many. */
  foldAll(): number {
    let folded = 0;
    for (;;) {
      const n = this.#foldChunk(CHUNK_ROWS);
      folded += n;
      if (n < CHUNK_ROWS) return folded;
    }
  }

  /** Folds at most `rows` of the events stored since the last fold; returns how many. */
  foldSome(rows: number): number {
    return this.#foldChunk(rows);
  }

  #from(): number {
    return Number(this.#watermark.get()?.value ?? 0);
  }

  #fold(rows: NewRow[]): number {
    const last = rows.at(-1);
    if (!last) return 0;
    const totals = new Map<number, number[]>();
    const bins = new Map<number, number>();
    const counts = new Map<number, number>();
    const hours = new Map<string, number[]>();
    const durations = new Map<string, number>();
    for (const row of rows) {
      const t = totals.get(row.bucket_id) ?? [row.bucket_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NO_TIME];
      addTotals(t, row);
      totals.set(row.bucket_id, t);
      for (let measure = 0; measure < MEASURES.length; measure++) {
        const value = row[MEASURES[measure] as (typeof MEASURES)[number]];
        bump(bins, pack(row.bucket_id, measure, valueBin(value)));
        bump(counts, pack(row.bucket_id, measure, value));
      }
      // Harness and outcome are validated enum values: a tab never occurs in them.
      const hourKey = `${Math.floor(row.timestamp_ms / HOUR_MS)}\t${row.bucket_id}\t${row.harness}\t${row.outcome}`;
      const h = hours.get(hourKey) ?? new Array<number>(HOURLY_SUMS).fill(0);
      addHourly(h, row);
      hours.set(hourKey, h);
      const durationKey = `${hourKey}\t${durationBin(row.task_duration_ms)}`;
      durations.set(durationKey, (durations.get(durationKey) ?? 0) + 1);
    }
    for (const t of totals.values()) this.#upsertTotals.run(...t);
    upsertSorted(bins, this.#upsertBin);
    upsertSorted(counts, this.#upsertCount);
    for (const [key, h] of hours) this.#upsertHour.run(...hourlyKey(key), ...h);
    for (const [key, n] of durations) {
      const [hour, bucket, harness, outcome, bin] = key.split('\t') as [
        string,
        string,
        string,
        string,
        string,
      ];
      this.#upsertDuration.run(Number(hour), Number(bucket), harness, outcome, Number(bin), n);
    }
    this.#setWatermark.run(String(last.id));
    return rows.length;
  }
}

/** Adds one event to a bucket_totals tuple (same column order as the table). */
function addTotals(t: number[], row: NewRow): void {
  const add = (index: number, n: number): void => {
    t[index] = (t[index] as number) + n;
  };
  add(1, 1);
  add(2, row.actual_input_tokens);
  add(3, row.actual_output_tokens);
  add(4, row.actual_cost_usd_micros);
  if (row.estimated_input_tokens > 0) {
    add(5, row.estimated_input_tokens);
    add(6, row.actual_input_tokens);
  }
  if (row.estimated_output_tokens > 0) {
    add(7, row.estimated_output_tokens);
    add(8, row.actual_output_tokens);
  }
  add(9, row.quality_gate_passed);
  add(10, row.outcome === 'success' ? 1 : 0);
  t[11] = Math.max(t[11] as number, row.timestamp_ms);
}

/** The key columns of an hourly_stats row from its map key. */
function hourlyKey(key: string): (number | string)[] {
  const [hour, bucket, harness, outcome] = key.split('\t') as [string, string, string, string];
  return [Number(hour), Number(bucket), harness, outcome];
}

/** Adds one event to the sums of an hourly_stats row (same column order as the table). */
function addHourly(h: number[], row: NewRow): void {
  const add = (index: number, n: number): void => {
    h[index] = (h[index] as number) + n;
  };
  add(0, 1);
  add(1, row.actual_input_tokens);
  add(2, row.actual_output_tokens);
  add(3, row.actual_cost_usd_micros);
  add(4, row.quality_gate_passed);
  if (row.estimated_input_tokens > 0) {
    add(5, row.estimated_input_tokens);
    add(6, row.actual_input_tokens);
  }
  if (row.estimated_output_tokens > 0) {
    add(7, row.estimated_output_tokens);
    add(8, row.actual_output_tokens);
  }
}

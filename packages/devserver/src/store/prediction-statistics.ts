import type { PredictionData } from '@mosaicstack/telemetry-semconv';
import type Database from 'better-sqlite3';
import { MEASURES } from './aggregate-folder.js';
import { binRange } from './value-bin.js';

/** Which dimensions a prediction query filters on; the ladder drops them from the end. */
export type DimensionFilter =
  | [taskType: string, provider: string, model: string, complexity: string]
  | [taskType: string, provider: string, model: string]
  | [taskType: string, provider: string]
  | [taskType: string];

/** Statistics of the events matching one filter (never empty). */
export interface BucketStatistics {
  data: PredictionData;
  sampleSize: number;
  lastUpdatedMs: number;
}

interface Totals {
  events: number | null;
  estimated_input: number;
  actual_input_estimated: number;
  estimated_output: number;
  actual_output_estimated: number;
  gates_passed: number;
  successes: number;
  last_timestamp_ms: number;
}

const DIMENSION_COLUMNS = ['task_type', 'provider', 'model', 'complexity'] as const;
const DISTRIBUTION = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/** The `p` quantile at `positions` (0-based ranks) like numpy's linear method, then rounded. */
const quantile = (values: Map<number, number>, n: number, p: number): number => {
  const rank = (n - 1) * p;
  const lower = Math.floor(rank);
  const low = values.get(lower) as number;
  const high = values.get(Math.min(lower + 1, n - 1)) as number;
  return Math.round(low + (rank - lower) * (high - low));
};

const positionsOf = (n: number, ps: readonly number[]): number[] => {
  const wanted = new Set<number>();
  for (const p of ps) {
    const lower = Math.floor((n - 1) * p);
    wanted.add(lower);
    wanted.add(Math.min(lower + 1, n - 1));
  }
  return [...wanted].sort((a, b) => a - b);
};

const factor = (actual: number, estimated: number): number =>
  estimated === 0 ? 1 : Math.round((actual / estimated) * 10_000) / 10_000;

/**
 * Exact prediction statistics read from the folded aggregates: totals per bucket, and each
 * percentile found in the coarse histogram and then among the exact values of one bin, so the work
 * and memory depend on the number of distinct values in a bin, never on the number of events.
 */
export class PredictionStatistics {
  readonly #totals: Database.Statement<string[], Totals>[];
  readonly #bucketIds: Database.Statement<string[], { id: number }>[];
  readonly #bins: Database.Statement<(string | number)[], { bin: number; n: number }>[];
  readonly #values: Database.Statement<(string | number)[], { value: number; n: number }>[];
  readonly #oneBucketBins: Database.Statement<number[], { bin: number; n: number }>;
  readonly #oneBucketValues: Database.Statement<number[], { value: number; n: number }>;

  constructor(db: Database.Database) {
    const matching = [1, 2, 3, 4].map((n) =>
      DIMENSION_COLUMNS.slice(0, n)
        .map((column) => `${column} = ?`)
        .join(' AND '),
    );
    const buckets = matching.map((where) => `bucket_id IN (SELECT id FROM buckets WHERE ${where})`);
    this.#bucketIds = matching.map((where) =>
      db.prepare(`SELECT id FROM buckets WHERE ${where} LIMIT 2`),
    );
    this.#totals = buckets.map((where) =>
      db.prepare(
        `SELECT sum(events) AS events, sum(estimated_input) AS estimated_input,
          sum(actual_input_estimated) AS actual_input_estimated,
          sum(estimated_output) AS estimated_output,
          sum(actual_output_estimated) AS actual_output_estimated,
          sum(gates_passed) AS gates_passed, sum(successes) AS successes,
          max(last_timestamp_ms) AS last_timestamp_ms FROM bucket_totals WHERE ${where}`,
      ),
    );
    // Several buckets (a fallback level): the histograms are summed per bin and per value.
    this.#bins = buckets.map((where) =>
      db.prepare(
        `SELECT bin, sum(n) AS n FROM value_bins WHERE ${where} AND measure = ?
          GROUP BY bin ORDER BY bin`,
      ),
    );
    this.#values = buckets.map((where) =>
      db.prepare(
        `SELECT value, sum(n) AS n FROM value_counts WHERE ${where} AND measure = ?
          AND value BETWEEN ? AND ? GROUP BY value ORDER BY value`,
      ),
    );
    // One bucket (the usual exact match): a plain range read in primary-key order.
    this.#oneBucketBins = db.prepare(
      'SELECT bin, n FROM value_bins WHERE bucket_id = ? AND measure = ? ORDER BY bin',
    );
    this.#oneBucketValues = db.prepare(
      `SELECT value, n FROM value_counts WHERE bucket_id = ? AND measure = ?
        AND value BETWEEN ? AND ? ORDER BY value`,
    );
  }

  /** The statistics of the folded events matching `filter`; undefined when there are none. */
  of(filter: DimensionFilter): BucketStatistics | undefined {
    const level = filter.length - 1;
    const totals = (this.#totals[level] as Database.Statement<string[], Totals>).get(...filter);
    const n = totals?.events ?? 0;
    if (!totals || n === 0) return undefined;
    const ids = (this.#bucketIds[level] as Database.Statement<string[], { id: number }>).all(
      ...filter,
    );
    const source: HistogramSource =
      ids.length === 1
        ? {
            bins: this.#oneBucketBins,
            values: this.#oneBucketValues,
            params: [(ids[0] as { id: number }).id],
          }
        : {
            bins: this.#bins[level] as HistogramSource['bins'],
            values: this.#values[level] as HistogramSource['values'],
            params: filter,
          };
    const at = (measure: number, ps: readonly number[]) => {
      const values = this.#valuesAt(source, measure, positionsOf(n, ps));
      return (p: number) => quantile(values, n, p);
    };
    const [input, output, cost, duration] = [
      at(0, DISTRIBUTION),
      at(1, DISTRIBUTION),
      at(2, [0.5]),
      at(3, [0.5]),
    ];
    const distribution = (q: (p: number) => number) => ({
      p10: q(0.1),
      p25: q(0.25),
      median: q(0.5),
      p75: q(0.75),
      p90: q(0.9),
    });
    return {
      sampleSize: n,
      lastUpdatedMs: totals.last_timestamp_ms,
      data: {
        input_tokens: distribution(input),
        output_tokens: distribution(output),
        cost_usd_micros: { median: cost(0.5) },
        duration_ms: { median: duration(0.5) },
        correction_factors: {
          input: factor(totals.actual_input_estimated, totals.estimated_input),
          output: factor(totals.actual_output_estimated, totals.estimated_output),
        },
        quality: { gate_pass_rate: totals.gates_passed / n, success_rate: totals.successes / n },
      },
    };
  }

  /** The values at the sorted 0-based `positions` of one measure among the matching events. */
  #valuesAt(source: HistogramSource, measure: number, positions: number[]): Map<number, number> {
    const found = new Map<number, number>();
    let next = 0;
    let before = 0;
    for (const { bin, n } of source.bins.iterate(...source.params, measure)) {
      let inBin = next;
      while (inBin < positions.length && (positions[inBin] as number) < before + n) inBin++;
      if (inBin > next) {
        let seen = before;
        const [low, high] = binRange(bin);
        for (const row of source.values.iterate(...source.params, measure, low, high)) {
          seen += row.n;
          while (next < inBin && (positions[next] as number) < seen) {
            found.set(positions[next++] as number, row.value);
          }
          if (next === inBin) break;
        }
      }
      before += n;
      if (next === positions.length) break;
    }
    if (next !== positions.length) {
      throw new Error(`histogram of measure ${MEASURES[measure]} is short`);
    }
    return found;
  }
}

/** Where one prediction reads its histograms: statements and the parameters before `measure`. */
interface HistogramSource {
  // biome-ignore lint/suspicious/noExplicitAny: one bucket binds a number, a level binds strings
  bins: Database.Statement<any[], { bin: number; n: number }>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  values: Database.Statement<any[], { value: number; n: number }>;
  params: readonly (string | number)[];
}

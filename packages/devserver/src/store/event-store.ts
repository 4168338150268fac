// store/: SQLite: events, the aggregates folded from them, tasks, summaries, prediction statistics.
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import Database from 'better-sqlite3';
import { AggregateFolder } from './aggregate-folder.js';
import { durationBin } from './duration-bin.js';
import {
  type BucketStatistics,
  type DimensionFilter,
  PredictionStatistics,
} from './prediction-statistics.js';
import { applySchema } from './store-schema.js';
import type { TaskFilter } from './task-filter.js';
import { type TaskPage, type TaskQuery, TaskReader } from './task-reader.js';
import { TaskStatistics } from './task-statistics.js';

/** Bucket ids remembered per process; past this many distinct buckets the memo starts over. */
const MAX_MEMO_BUCKETS = 10_000;

/** SQLite storage of accepted events, their aggregates and the server's generated credentials. */
export class EventStore {
  readonly #db: Database.Database;
  readonly #insertEvent: Database.Statement<unknown[]>;
  readonly #insertBucket: Database.Statement<string[]>;
  readonly #bucketId: Database.Statement<string[], { id: number }>;
  readonly #insertMany: (events: readonly TaskCompletionEvent[]) => boolean[];
  readonly #list: Database.Statement<[], { event_json: string }>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #getMeta: Database.Statement<[string], { value: string }>;
  readonly #setMetaIfAbsent: Database.Statement<[string, string]>;
  readonly #buckets = new Map<string, number>();
  readonly #folder: AggregateFolder;
  readonly #statistics: PredictionStatistics;
  readonly #tasks: TaskReader;
  readonly #taskStatistics: TaskStatistics;

  /** Opens (and creates or migrates when needed) the database at `path`; WAL journal for files. */
  constructor(path: string) {
    this.#db = new Database(path);
    try {
      if (path !== ':memory:' && path !== '') this.#db.pragma('journal_mode = WAL');
      // The two SQL functions the web view's aggregates use (see task-statistics.ts).
      this.#db.function('duration_bin', { deterministic: true }, (ms) => durationBin(Number(ms)));
      this.#db.function('slot_of', { deterministic: true }, (t, shift, length) =>
        Math.floor((Number(t) + Number(shift)) / Number(length)),
      );
      this.#db.pragma('synchronous = NORMAL');
      applySchema(this.#db);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#insertEvent = this.#db.prepare(
      `INSERT OR IGNORE INTO events (event_id, bucket_id, harness, outcome, timestamp_ms,
        task_duration_ms, estimated_input_tokens, estimated_output_tokens, actual_input_tokens,
        actual_output_tokens, actual_cost_usd_micros, quality_gate_passed, event_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertBucket = this.#db.prepare(
      'INSERT OR IGNORE INTO buckets (task_type, provider, model, complexity) VALUES (?, ?, ?, ?)',
    );
    this.#bucketId = this.#db.prepare(
      'SELECT id FROM buckets WHERE task_type = ? AND provider = ? AND model = ? AND complexity = ?',
    );
    this.#insertMany = this.#db.transaction((events: readonly TaskCompletionEvent[]) =>
      events.map((event) => this.#insertEvent.run(...this.#toRow(event)).changes === 1),
    );
    this.#list = this.#db.prepare('SELECT event_json FROM events ORDER BY id');
    // Rows are never deleted and each takes max(id) + 1, so the largest id is the count.
    this.#count = this.#db.prepare('SELECT coalesce(max(id), 0) AS n FROM events');
    this.#getMeta = this.#db.prepare('SELECT value FROM meta WHERE key = ?');
    this.#setMetaIfAbsent = this.#db.prepare(
      'INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)',
    );
    this.#folder = new AggregateFolder(this.#db);
    this.#statistics = new PredictionStatistics(this.#db);
    this.#tasks = new TaskReader(this.#db);
    this.#taskStatistics = new TaskStatistics(this.#db);
  }

  /**
   * Stores valid events in one transaction. Returns, per event, true when stored and false when
   * its event_id was already stored (before or earlier in the same call).
   */
  insertMany(events: readonly TaskCompletionEvent[]): boolean[] {
    if (events.length === 0) return [];
    try {
      return this.#insertMany(events);
    } catch (error) {
      // A rolled-back transaction may have taken bucket ids with it.
      this.#buckets.clear();
      throw error;
    }
  }

  /** Every stored event, in accept order. */
  list(): TaskCompletionEvent[] {
    return this.#list.all().map((row) => JSON.parse(row.event_json) as TaskCompletionEvent);
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  /**
   * Folds stored events into the aggregates: all of them, or at most `maxRows` (a slice of idle
   * time); returns how many were folded.
   */
  fold(maxRows?: number): number {
    if (!this.#db.open) return 0;
    return maxRows === undefined ? this.#folder.foldAll() : this.#folder.foldSome(maxRows);
  }

  /** Exact statistics of the stored events matching `filter`; undefined when none match. */
  statistics(filter: DimensionFilter): BucketStatistics | undefined {
    this.fold();
    return this.#statistics.of(filter);
  }

  /** One page of stored tasks in the asked order. */
  tasks(query: TaskQuery): TaskPage {
    return this.#tasks.page(query);
  }

  /** Runs `read` on the web view's aggregates once every stored event is folded into them. */
  aggregate<T>(read: (statistics: TaskStatistics) => T): T {
    this.fold();
    return read(this.#taskStatistics);
  }

  /** Reads `key` from the meta table, storing `create()` first when it is absent. */
  getOrCreateMeta(key: string, create: () => string): string {
    const existing = this.#getMeta.get(key);
    if (existing) return existing.value;
    this.#setMetaIfAbsent.run(key, create());
    return (this.#getMeta.get(key) as { value: string }).value;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #bucketOf(event: TaskCompletionEvent): number {
    const dimensions = [event.task_type, event.provider, event.model, event.complexity];
    const key = JSON.stringify(dimensions);
    const known = this.#buckets.get(key);
    if (known !== undefined) return known;
    this.#insertBucket.run(...dimensions);
    const id = (this.#bucketId.get(...dimensions) as { id: number }).id;
    if (this.#buckets.size >= MAX_MEMO_BUCKETS) this.#buckets.clear();
    this.#buckets.set(key, id);
    return id;
  }

  #toRow(event: TaskCompletionEvent): unknown[] {
    return [
      event.event_id.toLowerCase(),
      this.#bucketOf(event),
      event.harness,
      event.outcome,
      Date.parse(event.timestamp),
      event.task_duration_ms,
      event.estimated_input_tokens,
      event.estimated_output_tokens,
      event.actual_input_tokens,
      event.actual_output_tokens,
      event.actual_cost_usd_micros,
      event.quality_gate_passed ? 1 : 0,
      JSON.stringify(event),
    ];
  }
}

export type { DimensionFilter, TaskFilter };

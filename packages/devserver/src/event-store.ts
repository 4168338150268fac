import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import Database from 'better-sqlite3';

/** The columns a prediction is computed from, one row per stored event. */
export interface PredictionRow {
  actual_input_tokens: number;
  actual_output_tokens: number;
  estimated_input_tokens: number;
  estimated_output_tokens: number;
  actual_cost_usd_micros: number;
  task_duration_ms: number;
  quality_gate_passed: number;
  outcome: string;
  timestamp_ms: number;
}

/** Which dimensions a prediction query filters on; the ladder drops them from the end. */
export type DimensionFilter =
  | [taskType: string, provider: string, model: string, complexity: string]
  | [taskType: string, provider: string, model: string]
  | [taskType: string, provider: string]
  | [taskType: string];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  task_type TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  complexity TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  task_duration_ms INTEGER NOT NULL,
  estimated_input_tokens INTEGER NOT NULL,
  estimated_output_tokens INTEGER NOT NULL,
  actual_input_tokens INTEGER NOT NULL,
  actual_output_tokens INTEGER NOT NULL,
  actual_cost_usd_micros INTEGER NOT NULL,
  quality_gate_passed INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  event_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_dimensions ON events (task_type, provider, model, complexity);
`;

const ROW_COLUMNS = `actual_input_tokens, actual_output_tokens, estimated_input_tokens,
  estimated_output_tokens, actual_cost_usd_micros, task_duration_ms, quality_gate_passed, outcome,
  timestamp_ms`;
const DIMENSION_COLUMNS = ['task_type', 'provider', 'model', 'complexity'] as const;

/** SQLite storage of accepted events and of the server's generated credentials. */
export class EventStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #insertMany: (events: readonly TaskCompletionEvent[]) => boolean[];
  readonly #list: Database.Statement<[], { event_json: string }>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #getMeta: Database.Statement<[string], { value: string }>;
  readonly #setMetaIfAbsent: Database.Statement<[string, string]>;
  readonly #byDimensions: Database.Statement<string[], PredictionRow>[];

  /** Opens (and creates when needed) the database at `path`; WAL journal for files. */
  constructor(path: string) {
    this.#db = new Database(path);
    try {
      if (path !== ':memory:' && path !== '') this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.exec(SCHEMA);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#insert = this.#db.prepare(
      `INSERT OR IGNORE INTO events VALUES (@event_id, @instance_id, @task_type, @provider, @model,
        @complexity, @timestamp_ms, @task_duration_ms, @estimated_input_tokens,
        @estimated_output_tokens, @actual_input_tokens, @actual_output_tokens,
        @actual_cost_usd_micros, @quality_gate_passed, @outcome, @event_json)`,
    );
    this.#insertMany = this.#db.transaction((events: readonly TaskCompletionEvent[]) =>
      events.map((event) => this.#insert.run(toRow(event)).changes === 1),
    );
    this.#list = this.#db.prepare('SELECT event_json FROM events ORDER BY rowid');
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM events');
    this.#getMeta = this.#db.prepare('SELECT value FROM meta WHERE key = ?');
    this.#setMetaIfAbsent = this.#db.prepare(
      'INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)',
    );
    this.#byDimensions = [1, 2, 3, 4].map((n) => {
      const where = DIMENSION_COLUMNS.slice(0, n)
        .map((column) => `${column} = ?`)
        .join(' AND ');
      return this.#db.prepare<string[], PredictionRow>(
        `SELECT ${ROW_COLUMNS} FROM events WHERE ${where}`,
      );
    });
  }

  /**
   * Stores valid events in one transaction. Returns, per event, true when stored and false when
   * its event_id was already stored (before or earlier in the same call).
   */
  insertMany(events: readonly TaskCompletionEvent[]): boolean[] {
    return events.length === 0 ? [] : this.#insertMany(events);
  }

  /** Every stored event, in accept order. */
  list(): TaskCompletionEvent[] {
    return this.#list.all().map((row) => JSON.parse(row.event_json) as TaskCompletionEvent);
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  /** The prediction columns of the events matching every given dimension. */
  select(filter: DimensionFilter): PredictionRow[] {
    const statement = this.#byDimensions[filter.length - 1] as Database.Statement<
      string[],
      PredictionRow
    >;
    return statement.all(...filter);
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
}

function toRow(event: TaskCompletionEvent): Record<string, string | number> {
  return {
    event_id: event.event_id.toLowerCase(),
    instance_id: event.instance_id,
    task_type: event.task_type,
    provider: event.provider,
    model: event.model,
    complexity: event.complexity,
    timestamp_ms: Date.parse(event.timestamp),
    task_duration_ms: event.task_duration_ms,
    estimated_input_tokens: event.estimated_input_tokens,
    estimated_output_tokens: event.estimated_output_tokens,
    actual_input_tokens: event.actual_input_tokens,
    actual_output_tokens: event.actual_output_tokens,
    actual_cost_usd_micros: event.actual_cost_usd_micros,
    quality_gate_passed: event.quality_gate_passed ? 1 : 0,
    outcome: event.outcome,
    event_json: JSON.stringify(event),
  };
}

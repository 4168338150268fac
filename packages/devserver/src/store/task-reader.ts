import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import type Database from 'better-sqlite3';

/** Filters of the task list; every field optional, all given ones must match. */
export interface TaskQuery {
  limit: number;
  /** Only tasks stored before this one (its `id`): the next page. */
  before?: number;
  task_type?: string;
  model?: string;
  provider?: string;
  harness?: string;
  outcome?: string;
  /** Event timestamps from (inclusive), epoch ms. */
  from?: number;
  /** Event timestamps up to (exclusive), epoch ms. */
  to?: number;
}

/** One page of the task list, newest first; `next_before` is the cursor of the next page. */
export interface TaskPage {
  tasks: (TaskCompletionEvent & { id: number })[];
  next_before: number | null;
}

const CONDITIONS: Record<Exclude<keyof TaskQuery, 'limit'>, string> = {
  before: 'e.id < ?',
  task_type: 'b.task_type = ?',
  model: 'b.model = ?',
  provider: 'b.provider = ?',
  harness: 'e.harness = ?',
  outcome: 'e.outcome = ?',
  from: 'e.timestamp_ms >= ?',
  to: 'e.timestamp_ms < ?',
};
const FILTERS = Object.keys(CONDITIONS) as (keyof typeof CONDITIONS)[];

/** Reads pages of stored tasks by rowid, newest first; one prepared statement per filter shape. */
export class TaskReader {
  readonly #db: Database.Database;
  readonly #statements = new Map<
    string,
    Database.Statement<unknown[], { id: number; event_json: string }>
  >();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  page(query: TaskQuery): TaskPage {
    const used = FILTERS.filter((f) => query[f] !== undefined);
    const statement = this.#statement(used);
    const rows = statement.all(...used.map((f) => query[f]), query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      tasks: page.map((row) => ({
        id: row.id,
        ...(JSON.parse(row.event_json) as TaskCompletionEvent),
      })),
      next_before: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  #statement(used: (keyof typeof CONDITIONS)[]) {
    const key = used.join(',');
    let statement = this.#statements.get(key);
    if (!statement) {
      const where = used.length > 0 ? `WHERE ${used.map((f) => CONDITIONS[f]).join(' AND ')}` : '';
      statement = this.#db.prepare(
        `SELECT e.id AS id, e.event_json AS event_json FROM events e
          JOIN buckets b ON b.id = e.bucket_id ${where} ORDER BY e.id DESC LIMIT ?`,
      );
      this.#statements.set(key, statement);
    }
    return statement;
  }
}

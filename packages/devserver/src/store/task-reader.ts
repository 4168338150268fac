import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import type Database from 'better-sqlite3';
import { dimensionConditions, type TaskFilter } from './task-filter.js';

/** The columns the task list sorts on, by the names the web view's table uses. */
export const SORT_COLUMNS = {
  time: 'e.timestamp_ms',
  task_type: 'b.task_type',
  model: 'b.model',
  provider: 'b.provider',
  harness: 'e.harness',
  complexity: 'b.complexity',
  input_tokens: 'e.actual_input_tokens',
  output_tokens: 'e.actual_output_tokens',
  cost: 'e.actual_cost_usd_micros',
  duration: 'e.task_duration_ms',
  outcome: 'e.outcome',
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;

/** A page of the task list: a filter, an order and a window. */
export interface TaskQuery extends TaskFilter {
  sort: SortColumn;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** One page of the task list; `next_offset` is null on the last page. */
export interface TaskPage {
  tasks: (TaskCompletionEvent & { id: number })[];
  offset: number;
  next_offset: number | null;
}

/**
 * Reads pages of stored tasks in any column's order (ties newest stored first); the time range
 * goes through the time index, one prepared statement per filter and order.
 */
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
    const { used, key, sql } = dimensionConditions(query, 'e.');
    const range = [query.from, query.to].filter((t) => t !== undefined);
    const statement = this.#statement(
      `${key}|${query.from !== undefined}|${query.to !== undefined}|${query.sort}|${query.order}`,
      sql,
      query,
    );
    const rows = statement.all(
      ...range,
      ...used.map((d) => query[d]),
      query.limit + 1,
      query.offset,
    );
    const page = rows.slice(0, query.limit);
    return {
      tasks: page.map((row) => ({
        id: row.id,
        ...(JSON.parse(row.event_json) as TaskCompletionEvent),
      })),
      offset: query.offset,
      next_offset: rows.length > query.limit ? query.offset + query.limit : null,
    };
  }

  #statement(key: string, dims: string, query: TaskQuery) {
    let statement = this.#statements.get(key);
    if (!statement) {
      const conditions = ['1'];
      if (query.from !== undefined) conditions.push('e.timestamp_ms >= ?');
      if (query.to !== undefined) conditions.push('e.timestamp_ms < ?');
      const order = query.order === 'asc' ? 'ASC' : 'DESC';
      statement = this.#db.prepare(
        `SELECT e.id AS id, e.event_json AS event_json FROM events e
          JOIN buckets b ON b.id = e.bucket_id
          WHERE ${conditions.join(' AND ')}${dims}
          ORDER BY ${SORT_COLUMNS[query.sort]} ${order}, e.id ${order} LIMIT ? OFFSET ?`,
      );
      this.#statements.set(key, statement);
    }
    return statement;
  }
}

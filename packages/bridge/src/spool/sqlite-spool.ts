import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import type BetterSqlite3 from 'better-sqlite3';
import type { HeldSpan } from '../model/held-span.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { MetricStreamState } from '../model/metric-stream-state.js';
import type { SpoolStats } from '../types.js';
import { SpoolWriteError } from './spool-write-error.js';
import type { SpooledState, TaskSpool } from './task-spool.js';

/** Costs remembered (the pipeline's own cap of learnt costs); the oldest go first. */
const MAX_COSTS = 10_000;
/** Keys of reported tasks remembered (the pipeline's own cap); the oldest go first. */
const MAX_COVERED = 100_000;
/** Metric streams whose last point is remembered (the pipeline's default cap); the oldest go first. */
const MAX_STREAMS = 100_000;

/**
 * The spool's tables: records of open tasks by task key, learnt costs, keys of reported tasks,
 * metric streams' last points (by the stream's digest), undelivered events.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, task TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_by_task ON records (task);
CREATE TABLE IF NOT EXISTS costs (seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, micros REAL NOT NULL);
CREATE TABLE IF NOT EXISTS covered (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS streams (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL UNIQUE, start_ms REAL NOT NULL, time_ms REAL NOT NULL, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
`;

/** Task keys: a trace by its id, a keyed task by `keyOf`. */
const TRACE = 't';
const KEYED = 'k';

/** A trace's rows hold its spans and parent links of one export. */
interface TraceRow {
  readonly s: HeldSpan[];
  readonly l: string[];
  /** When the bridge took them (wall clock, ms); absent in rows of earlier versions. */
  readonly t?: number;
}

/**
 * A {@link TaskSpool} in one SQLite database (better-sqlite3, WAL), rows as readable JSON (one per
 * open task and export, one per undelivered event), refusing new records once their bytes reach
 * `maxBytes`.
 */
export class SqliteSpool implements TaskSpool {
  private readonly insertRecord: BetterSqlite3.Statement<[string, string]>;
  private readonly deleteTask: BetterSqlite3.Statement<[string]>;
  private readonly insertCost: BetterSqlite3.Statement<[string, number]>;
  private readonly trimCosts: BetterSqlite3.Statement<[number]>;
  private readonly insertCovered: BetterSqlite3.Statement<[string]>;
  private readonly trimCovered: BetterSqlite3.Statement<[number]>;
  private readonly insertStream: BetterSqlite3.Statement<[string, number, number, number]>;
  private readonly trimStreams: BetterSqlite3.Statement<[number]>;
  private readonly insertEvent: BetterSqlite3.Statement<[string, string]>;
  private readonly deleteEvent: BetterSqlite3.Statement<[string]>;
  private readonly oldestEvents: BetterSqlite3.Statement<[number], { body: string }>;
  private readonly transaction: (work: () => unknown) => unknown;
  /** Bytes of rows per task key and per event id: the byte bound counts these. */
  private readonly taskBytes = new Map<string, number>();
  private readonly eventBytes = new Map<string, number>();
  private bytes = 0;
  private closed = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    db.exec(SCHEMA);
    this.insertRecord = db.prepare('INSERT INTO records (task, body) VALUES (?, ?)');
    this.deleteTask = db.prepare('DELETE FROM records WHERE task = ?');
    this.insertCost = db.prepare('INSERT OR REPLACE INTO costs (request_id, micros) VALUES (?, ?)');
    this.trimCosts = db.prepare('DELETE FROM costs WHERE seq <= ?');
    this.insertCovered = db.prepare('INSERT OR REPLACE INTO covered (key) VALUES (?)');
    this.trimCovered = db.prepare('DELETE FROM covered WHERE seq <= ?');
    this.insertStream = db.prepare(
      'INSERT OR REPLACE INTO streams (stream, start_ms, time_ms, value) VALUES (?, ?, ?, ?)',
    );
    this.trimStreams = db.prepare('DELETE FROM streams WHERE seq <= ?');
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO events (event_id, body) VALUES (?, ?)');
    this.deleteEvent = db.prepare('DELETE FROM events WHERE event_id = ?');
    this.oldestEvents = db.prepare('SELECT body FROM events ORDER BY seq LIMIT ?');
    const run = db.transaction((work: () => unknown) => work());
    this.transaction = (work) => run(work);
    this.recount();
  }

  /** Counts the bytes of every row from the database (at open, and after a rolled-back write). */
  private recount(): void {
    this.taskBytes.clear();
    this.eventBytes.clear();
    this.bytes = 0;
    const sizes = this.db.prepare<[], { task: string; n: number }>(
      'SELECT task, sum(length(CAST(body AS BLOB))) AS n FROM records GROUP BY task',
    );
    for (const { task, n } of sizes.iterate()) this.add(this.taskBytes, task, n);
    const events = this.db.prepare<[], { id: string; n: number }>(
      'SELECT event_id AS id, length(CAST(body AS BLOB)) AS n FROM events',
    );
    for (const { id, n } of events.iterate()) this.add(this.eventBytes, id, n);
  }

  /** Throws {@link SpoolWriteError} when SQLite cannot write (nothing of `work` is kept then). */
  atomically<T>(work: () => T): T {
    if (this.closed || this.db.inTransaction) return work();
    try {
      return this.transaction(work) as T;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw error;
      this.recount();
      throw new SpoolWriteError(`the spool cannot be written (${code}): retry later`);
    }
  }

  keepSpans(spans: readonly HeldSpan[], links: readonly string[], atMs: number): void {
    if (spans.length === 0 && links.length === 0) return;
    const rows = new Map<string, TraceRow>();
    const rowOf = (traceId: string): TraceRow => {
      let row = rows.get(traceId);
      if (row === undefined) {
        row = { s: [], l: [], t: atMs };
        rows.set(traceId, row);
      }
      return row;
    };
    for (let i = 0; i + 2 < links.length; i += 3) {
      rowOf(links[i] as string).l.push(
        links[i] as string,
        links[i + 1] as string,
        links[i + 2] as string,
      );
    }
    for (const span of spans) rowOf(span.traceId).s.push(span);
    for (const [traceId, row] of rows) this.keep(TRACE + traceId, JSON.stringify(row));
  }

  keepKeyed(key: string, request: KeyedRequest): void {
    this.keep(KEYED + key, JSON.stringify(request));
  }

  keepCost(requestId: string, micros: number): void {
    if (this.closed) return;
    const { lastInsertRowid } = this.insertCost.run(requestId, micros);
    const last = Number(lastInsertRowid);
    if (last > MAX_COSTS && last % 100 === 0) this.trimCosts.run(last - MAX_COSTS);
  }

  keepCovered(keys: readonly string[]): void {
    if (this.closed) return;
    for (const key of keys) {
      const last = Number(this.insertCovered.run(key).lastInsertRowid);
      if (last > MAX_COVERED && last % 1000 === 0) this.trimCovered.run(last - MAX_COVERED);
    }
  }

  keepStream(stream: string, state: MetricStreamState): void {
    if (this.closed) return;
    const { lastInsertRowid } = this.insertStream.run(
      stream,
      state.startMs,
      state.timeMs,
      state.value,
    );
    const last = Number(lastInsertRowid);
    if (last > MAX_STREAMS && last % 1000 === 0) this.trimStreams.run(last - MAX_STREAMS);
  }

  forgetTrace(traceId: string): void {
    this.forget(TRACE + traceId);
  }

  forgetKeyed(key: string): void {
    this.forget(KEYED + key);
  }

  keepEvents(events: readonly TaskCompletionEvent[]): void {
    if (this.closed) return;
    for (const event of events) {
      if (this.eventBytes.has(event.event_id)) continue;
      const body = JSON.stringify(event);
      this.insertEvent.run(event.event_id, body);
      this.add(this.eventBytes, event.event_id, Buffer.byteLength(body));
    }
  }

  forgetEvents(events: readonly TaskCompletionEvent[]): void {
    if (this.closed) return;
    this.atomically(() => {
      for (const event of events) {
        const n = this.eventBytes.get(event.event_id);
        if (n === undefined) continue;
        this.deleteEvent.run(event.event_id);
        this.eventBytes.delete(event.event_id);
        this.bytes -= n;
      }
    });
  }

  undelivered(limit: number): TaskCompletionEvent[] {
    if (this.closed || limit <= 0) return [];
    return this.oldestEvents.all(limit).map(({ body }) => JSON.parse(body) as TaskCompletionEvent);
  }

  holdsEvent(eventId: string): boolean {
    return this.eventBytes.has(eventId);
  }

  get refusal(): string | undefined {
    return this.bytes >= this.maxBytes
      ? `the spool is full (${this.bytes} of ${this.maxBytes} bytes: open tasks and undelivered events)`
      : undefined;
  }

  stats(): Omit<SpoolStats, 'resent'> {
    return {
      dir: this.dir,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      openTasks: this.taskBytes.size,
      undeliveredEvents: this.eventBytes.size,
    };
  }

  load(): SpooledState {
    const traces: SpooledState['traces'][number][] = [];
    const keyed: KeyedRequest[] = [];
    const rows = this.db.prepare<[], { task: string; body: string }>(
      'SELECT task, body FROM records ORDER BY id',
    );
    for (const { task, body } of rows.iterate()) {
      if (task.startsWith(TRACE)) {
        const row = JSON.parse(body) as TraceRow;
        traces.push({ spans: row.s, links: row.l, atMs: row.t });
      } else keyed.push(JSON.parse(body) as KeyedRequest);
    }
    const costs = this.db
      .prepare<[], { id: string; micros: number }>(
        'SELECT request_id AS id, micros FROM costs ORDER BY seq',
      )
      .all()
      .map(({ id, micros }) => [id, micros] as const);
    const covered = this.db
      .prepare<[], { key: string }>('SELECT key FROM covered ORDER BY seq')
      .pluck()
      .all() as unknown as string[];
    const streams = this.db
      .prepare<[], { stream: string; startMs: number; timeMs: number; value: number }>(
        'SELECT stream, start_ms AS startMs, time_ms AS timeMs, value FROM streams ORDER BY seq',
      )
      .all()
      .map(({ stream, startMs, timeMs, value }) => [stream, { startMs, timeMs, value }] as const);
    const events = this.db
      .prepare<[], { body: string }>('SELECT body FROM events ORDER BY seq')
      .all()
      .map(({ body }) => JSON.parse(body) as TaskCompletionEvent);
    return { traces, keyed, costs, covered, streams, events };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private keep(task: string, body: string): void {
    if (this.closed) return;
    this.insertRecord.run(task, body);
    this.add(this.taskBytes, task, Buffer.byteLength(body));
  }

  private forget(task: string): void {
    const n = this.taskBytes.get(task);
    if (n === undefined || this.closed) return;
    this.deleteTask.run(task);
    this.taskBytes.delete(task);
    this.bytes -= n;
  }

  private add(sizes: Map<string, number>, key: string, n: number): void {
    sizes.set(key, (sizes.get(key) ?? 0) + n);
    this.bytes += n;
  }
}

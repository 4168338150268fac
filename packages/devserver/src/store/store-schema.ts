import type Database from 'better-sqlite3';

/** Version of the layout below, kept in SQLite's `user_version`; 0 is the layout of 0.1.0. */
export const SCHEMA_VERSION = 3;

/**
 * Events are keyed by an INTEGER rowid (appends in arrival order: cheap inserts, the task list
 * newest first, and a watermark for the aggregates) with the wire `event_id` in a UNIQUE index.
 * The four prediction dimensions live once in `buckets`. The other tables are aggregates folded
 * from events (see aggregate-folder.ts), so predictions and the web view never scan events: the
 * web view reads whole hours from `hourly_stats` and `hourly_durations` and only the events of the
 * partial hours at a range's ends through `events_by_time`.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
  id INTEGER PRIMARY KEY,
  task_type TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  complexity TEXT NOT NULL,
  UNIQUE (task_type, provider, model, complexity)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  bucket_id INTEGER NOT NULL,
  harness TEXT NOT NULL,
  outcome TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  task_duration_ms INTEGER NOT NULL,
  estimated_input_tokens INTEGER NOT NULL,
  estimated_output_tokens INTEGER NOT NULL,
  actual_input_tokens INTEGER NOT NULL,
  actual_output_tokens INTEGER NOT NULL,
  actual_cost_usd_micros INTEGER NOT NULL,
  quality_gate_passed INTEGER NOT NULL,
  event_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bucket_totals (
  bucket_id INTEGER PRIMARY KEY,
  events INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd_micros INTEGER NOT NULL,
  estimated_input INTEGER NOT NULL,
  actual_input_estimated INTEGER NOT NULL,
  estimated_output INTEGER NOT NULL,
  actual_output_estimated INTEGER NOT NULL,
  gates_passed INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  last_timestamp_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS value_bins (
  bucket_id INTEGER NOT NULL,
  measure INTEGER NOT NULL,
  bin INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (bucket_id, measure, bin)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS value_counts (
  bucket_id INTEGER NOT NULL,
  measure INTEGER NOT NULL,
  value INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (bucket_id, measure, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hourly_stats (
  hour INTEGER NOT NULL,
  bucket_id INTEGER NOT NULL,
  harness TEXT NOT NULL,
  outcome TEXT NOT NULL,
  events INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd_micros INTEGER NOT NULL,
  gates_passed INTEGER NOT NULL,
  estimated_input INTEGER NOT NULL,
  actual_input_estimated INTEGER NOT NULL,
  estimated_output INTEGER NOT NULL,
  actual_output_estimated INTEGER NOT NULL,
  PRIMARY KEY (hour, bucket_id, harness, outcome)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hourly_durations (
  hour INTEGER NOT NULL,
  bucket_id INTEGER NOT NULL,
  harness TEXT NOT NULL,
  outcome TEXT NOT NULL,
  bin INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, bucket_id, harness, outcome, bin)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_time ON events (timestamp_ms);
`;

/** Events of a 0.1.0 database (TEXT primary key, dimensions inline), copied into the new layout. */
const MIGRATE_FROM_V0 = `
ALTER TABLE events RENAME TO events_v0;
DROP INDEX IF EXISTS events_by_dimensions;
${SCHEMA}
INSERT OR IGNORE INTO buckets (task_type, provider, model, complexity)
  SELECT DISTINCT task_type, provider, model, complexity FROM events_v0;
INSERT INTO events (event_id, bucket_id, harness, outcome, timestamp_ms, task_duration_ms,
    estimated_input_tokens, estimated_output_tokens, actual_input_tokens, actual_output_tokens,
    actual_cost_usd_micros, quality_gate_passed, event_json)
  SELECT v.event_id, b.id, json_extract(v.event_json, '$.harness'), v.outcome, v.timestamp_ms,
    v.task_duration_ms, v.estimated_input_tokens, v.estimated_output_tokens,
    v.actual_input_tokens, v.actual_output_tokens, v.actual_cost_usd_micros,
    v.quality_gate_passed, v.event_json
  FROM events_v0 v JOIN buckets b USING (task_type, provider, model, complexity)
  ORDER BY v.rowid;
DROP TABLE events_v0;
`;

/**
 * Layout 2 kept hourly token totals per bucket only: its aggregates are emptied and folded again
 * from the events (on the first read) into the per-harness, per-outcome hourly tables.
 */
const MIGRATE_FROM_V2 = `
DROP TABLE IF EXISTS hourly_totals;
DELETE FROM bucket_totals;
DELETE FROM value_bins;
DELETE FROM value_counts;
DELETE FROM meta WHERE key = 'folded_through';
${SCHEMA}
`;

/** Creates the tables, migrating a 0.1.0 or layout-2 database in place (one transaction). */
export function applySchema(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema ${version} is newer than this devserver's ${SCHEMA_VERSION}`);
  }
  const hasV0Events =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !==
    undefined;
  db.transaction(() => {
    db.exec(version === 2 ? MIGRATE_FROM_V2 : hasV0Events ? MIGRATE_FROM_V0 : SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

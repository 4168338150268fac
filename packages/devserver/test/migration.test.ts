import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionResponse } from '@mosaicstack/telemetry-semconv';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

/** The tables of a 0.1.0 devserver database, as that version created them. */
const SCHEMA_0_1_0 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (event_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, task_type TEXT NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, complexity TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL, task_duration_ms INTEGER NOT NULL,
  estimated_input_tokens INTEGER NOT NULL, estimated_output_tokens INTEGER NOT NULL,
  actual_input_tokens INTEGER NOT NULL, actual_output_tokens INTEGER NOT NULL,
  actual_cost_usd_micros INTEGER NOT NULL, quality_gate_passed INTEGER NOT NULL,
  outcome TEXT NOT NULL, event_json TEXT NOT NULL);
CREATE INDEX events_by_dimensions ON events (task_type, provider, model, complexity);`;

const INSTANCE = '123e4567-e89b-42d3-a456-426614174000';
const KEY = 'ef'.repeat(32);

describe('devserver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-devserver-migrate-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('startDevServer', () => {
    it('migrates a 0.1.0 database in place: events, credentials, duplicates and predictions', async () => {
      const dbPath = join(dir, 'old.db');
      const events = [
        makeEvent(INSTANCE, { actual_input_tokens: 100, harness: 'aider' }),
        makeEvent(INSTANCE, {
          actual_input_tokens: 300,
          event_id: makeEvent(INSTANCE).event_id.toUpperCase(),
        }),
      ];
      const db = new Database(dbPath);
      db.exec(SCHEMA_0_1_0);
      db.prepare('INSERT INTO meta VALUES (?, ?), (?, ?)').run(
        'api_key',
        KEY,
        'instance_id',
        INSTANCE,
      );
      const insert = db.prepare(`INSERT INTO events VALUES (${Array(16).fill('?').join(', ')})`);
      for (const e of events) {
        insert.run(
          e.event_id.toLowerCase(),
          e.instance_id,
          e.task_type,
          e.provider,
          e.model,
          e.complexity,
          Date.parse(e.timestamp),
          e.task_duration_ms,
          e.estimated_input_tokens,
          e.estimated_output_tokens,
          e.actual_input_tokens,
          e.actual_output_tokens,
          e.actual_cost_usd_micros,
          e.quality_gate_passed ? 1 : 0,
          e.outcome,
          JSON.stringify(e),
        );
      }
      db.close();

      const server = await startDevServer({ dbPath });
      try {
        expect([server.apiKey, server.instanceId]).toEqual([KEY, INSTANCE]);
        expect(server.listEvents()).toEqual(events);
        expect(server.countEvents()).toBe(2);
        const again = await postJson<{ rejected: number }>(server, '/v1/events/batch', {
          events: [events[1]],
        });
        expect(again.body.rejected).toBe(1);
        const answer = await postJson<{ results: PredictionResponse[] }>(
          server,
          '/v1/predictions/batch',
          {
            queries: [
              {
                task_type: 'implementation',
                model: 'claude-x',
                provider: 'anthropic',
                complexity: 'medium',
              },
            ],
          },
        );
        expect(answer.body.results[0]?.prediction?.input_tokens.median).toBe(200);
        const tasks = (await (await fetch(`${server.url}/api/tasks?harness=aider`)).json()) as {
          tasks: { event_id: string }[];
        };
        expect(tasks.tasks.map((t) => t.event_id)).toEqual([events[0]?.event_id]);
      } finally {
        await server.close();
      }
    });

    it('migrates a layout-2 database: its aggregates are folded again, never counted twice', async () => {
      const dbPath = join(dir, 'layout-2.db');
      const first = await startDevServer({ dbPath, apiKey: KEY, instanceId: INSTANCE });
      const events = [100, 200, 300].map((tokens, i) =>
        makeEvent(INSTANCE, {
          actual_input_tokens: tokens,
          outcome: i === 0 ? 'failure' : 'success',
          timestamp: `2026-01-01T0${i}:30:00.000Z`,
        }),
      );
      await postJson(first, '/v1/events/batch', { events });
      // Folds the events into the aggregates, as a layout-2 server did before it stopped.
      await fetch(`${first.url}/api/summary`);
      await first.close();
      const db = new Database(dbPath);
      db.exec(`DROP TABLE hourly_stats; DROP TABLE hourly_durations; DROP INDEX events_by_time;
        CREATE TABLE hourly_totals (bucket_id INTEGER NOT NULL, hour INTEGER NOT NULL,
          events INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
          cost_usd_micros INTEGER NOT NULL, PRIMARY KEY (bucket_id, hour)) WITHOUT ROWID;`);
      db.pragma('user_version = 2');
      db.close();

      const server = await startDevServer({ dbPath });
      try {
        const summary = (await (await fetch(`${server.url}/api/summary`)).json()) as {
          totals: { tasks: number; input_tokens: number; success_rate: number };
        };
        expect(summary.totals).toMatchObject({ tasks: 3, input_tokens: 600 });
        expect(summary.totals.success_rate).toBeCloseTo(2 / 3, 10);
        const answer = await postJson<{ results: PredictionResponse[] }>(
          server,
          '/v1/predictions/batch',
          {
            queries: [
              {
                task_type: 'implementation',
                model: 'claude-x',
                provider: 'anthropic',
                complexity: 'medium',
              },
            ],
          },
        );
        expect(answer.body.results[0]?.metadata.sample_size).toBe(3);
        expect(answer.body.results[0]?.prediction?.input_tokens.median).toBe(200);
      } finally {
        await server.close();
      }
    });
  });
});

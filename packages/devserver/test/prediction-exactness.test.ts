import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionResponse, TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';
import { oraclePrediction } from './prediction-oracle.js';

/** A deterministic pseudo-random source (mulberry32), so a failure replays. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

const predict = async (
  server: Awaited<ReturnType<typeof startDevServer>>,
  query: Record<string, string>,
) => {
  const answer = await postJson<{ results: PredictionResponse[] }>(
    server,
    '/v1/predictions/batch',
    { queries: [query] },
  );
  expect(answer.status).toBe(200);
  return answer.body.results[0] as PredictionResponse;
};

describe('predictions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-devserver-exact-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('computed from the folded histograms', () => {
    it('gives the numbers of the sort-everything method at every fallback level', async () => {
      const server = await startDevServer({ rateLimit: false, predictionCacheTtlMs: 0 });
      try {
        const random = seeded(7);
        const spread = (max: number) => Math.floor(random() ** 3 * max);
        const models = ['claude-x', 'gpt-4o', 'gemini'];
        const events: TaskCompletionEvent[] = Array.from({ length: 600 }, (_, i) =>
          makeEvent(server.instanceId, {
            model: models[i % 3] as string,
            complexity: i % 5 === 0 ? 'high' : 'medium',
            provider: i % 7 === 0 ? 'openai' : 'anthropic',
            // Wide, skewed ranges: many values share a coarse bin, some bins hold one value.
            actual_input_tokens: spread(10_000_000),
            actual_output_tokens: i % 4 === 0 ? 42 : spread(300_000),
            actual_cost_usd_micros: spread(100_000_000),
            task_duration_ms: spread(86_400_000),
            estimated_input_tokens: i % 3 === 0 ? 0 : spread(1_000_000),
            estimated_output_tokens: spread(100_000),
            quality_gate_passed: random() < 0.7,
            outcome: random() < 0.8 ? 'success' : 'failure',
            timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          }),
        );
        for (let i = 0; i < events.length; i += 100) {
          await postJson(server, '/v1/events/batch', { events: events.slice(i, i + 100) });
        }
        const cases: [Record<string, string>, number, (e: TaskCompletionEvent) => boolean][] = [
          [
            {
              task_type: 'implementation',
              model: 'gpt-4o',
              provider: 'anthropic',
              complexity: 'high',
            },
            0,
            (e) => e.model === 'gpt-4o' && e.provider === 'anthropic' && e.complexity === 'high',
          ],
          [
            {
              task_type: 'implementation',
              model: 'claude-x',
              provider: 'anthropic',
              complexity: 'low',
            },
            1,
            (e) => e.model === 'claude-x' && e.provider === 'anthropic',
          ],
          [
            { task_type: 'implementation', model: 'none', provider: 'openai', complexity: 'low' },
            2,
            (e) => e.provider === 'openai',
          ],
          [
            { task_type: 'implementation', model: 'none', provider: 'google', complexity: 'low' },
            3,
            () => true,
          ],
        ];
        for (const [query, level, matches] of cases) {
          const answer = await predict(server, query);
          const matching = events.filter(matches);
          expect(answer.metadata.fallback_level).toBe(level);
          expect(answer.metadata.sample_size).toBe(matching.length);
          expect(answer.prediction).toEqual(oraclePrediction(matching));
          const latest = Math.max(...matching.map((e) => Date.parse(e.timestamp)));
          expect(answer.metadata.last_updated).toBe(new Date(latest).toISOString());
        }
      } finally {
        await server.close();
      }
    });

    it('answers a bucket of 130,000 events (500 before: a spread of every row)', async () => {
      const dbPath = join(dir, 'big.db');
      const first = await startDevServer({ dbPath });
      const instanceId = first.instanceId;
      await first.close();
      // Rows go straight into the devserver's own tables, one transaction: the HTTP path is
      // covered elsewhere, this is about the size of one bucket.
      const n = 130_000;
      const random = seeded(11);
      const inputs = new Float64Array(n);
      const db = new Database(dbPath);
      const bucket = db
        .prepare(
          "INSERT INTO buckets (task_type, provider, model, complexity) VALUES ('implementation', 'anthropic', 'claude-x', 'medium') RETURNING id",
        )
        .get() as { id: number };
      const insert = db.prepare(
        `INSERT INTO events (event_id, bucket_id, harness, outcome, timestamp_ms, task_duration_ms,
          estimated_input_tokens, estimated_output_tokens, actual_input_tokens,
          actual_output_tokens, actual_cost_usd_micros, quality_gate_passed, event_json)
         VALUES (?, ?, 'claude_code', 'success', ?, 1000, 0, 0, ?, 10, 1000, 1, '{}')`,
      );
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          const input = Math.floor(random() * 2_000_000);
          inputs[i] = input;
          insert.run(`e-${i}`, bucket.id, 1_700_000_000_000 + i, input);
        }
      })();
      db.close();

      const server = await startDevServer({ dbPath });
      try {
        expect(server.instanceId).toBe(instanceId);
        const answer = await predict(server, {
          task_type: 'implementation',
          model: 'claude-x',
          provider: 'anthropic',
          complexity: 'medium',
        });
        inputs.sort();
        const at = (p: number) => {
          const rank = (n - 1) * p;
          const lower = Math.floor(rank);
          const low = inputs[lower] as number;
          return Math.round(low + (rank - lower) * ((inputs[lower + 1] as number) - low));
        };
        expect(answer.metadata).toMatchObject({ sample_size: n, confidence: 'high' });
        expect(answer.prediction?.input_tokens).toEqual({
          p10: at(0.1),
          p25: at(0.25),
          median: at(0.5),
          p75: at(0.75),
          p90: at(0.9),
        });
        expect(answer.prediction?.output_tokens.median).toBe(10);
      } finally {
        await server.close();
      }
    }, 180_000);
  });
});

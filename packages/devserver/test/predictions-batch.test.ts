import type {
  PredictionBatchResponse,
  PredictionQuery,
  TaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const EVENTS = '/v1/events/batch';
const PREDICTIONS = '/v1/predictions/batch';

const query = (overrides: Partial<PredictionQuery> = {}): PredictionQuery => ({
  task_type: 'implementation',
  model: 'claude-x',
  provider: 'anthropic',
  complexity: 'medium',
  ...overrides,
});

type Row = Partial<TaskCompletionEvent>;
const ts = (second: number) => `2026-01-01T00:00:0${second}.000Z`;

/**
 * Five exact-match events (implementation / claude-x / anthropic / medium), one more complexity,
 * one more model, one more provider: a data set small enough to compute every answer by hand.
 */
const FIXTURE: Row[] = [
  {
    actual_input_tokens: 100,
    actual_output_tokens: 10,
    estimated_input_tokens: 100,
    estimated_output_tokens: 20,
    actual_cost_usd_micros: 1000,
    task_duration_ms: 4000,
    quality_gate_passed: true,
    outcome: 'success',
    timestamp: ts(1),
  },
  {
    actual_input_tokens: 400,
    actual_output_tokens: 40,
    estimated_input_tokens: 100,
    estimated_output_tokens: 20,
    actual_cost_usd_micros: 5000,
    task_duration_ms: 1000,
    quality_gate_passed: true,
    outcome: 'success',
    timestamp: ts(2),
  },
  {
    actual_input_tokens: 200,
    actual_output_tokens: 20,
    estimated_input_tokens: 0,
    estimated_output_tokens: 20,
    actual_cost_usd_micros: 2000,
    task_duration_ms: 3000,
    quality_gate_passed: false,
    outcome: 'failure',
    timestamp: ts(3),
  },
  {
    actual_input_tokens: 1000,
    actual_output_tokens: 50,
    estimated_input_tokens: 700,
    estimated_output_tokens: 20,
    actual_cost_usd_micros: 4000,
    task_duration_ms: 2000,
    quality_gate_passed: true,
    outcome: 'success',
    timestamp: ts(5),
  },
  {
    actual_input_tokens: 300,
    actual_output_tokens: 30,
    estimated_input_tokens: 200,
    estimated_output_tokens: 20,
    actual_cost_usd_micros: 3000,
    task_duration_ms: 5000,
    quality_gate_passed: false,
    outcome: 'partial',
    timestamp: ts(4),
  },
  {
    complexity: 'high',
    actual_input_tokens: 600,
    actual_output_tokens: 60,
    estimated_input_tokens: 0,
    estimated_output_tokens: 0,
    actual_cost_usd_micros: 6000,
    task_duration_ms: 6000,
    quality_gate_passed: true,
    outcome: 'success',
    timestamp: ts(6),
  },
  { model: 'claude-y', complexity: 'low', timestamp: ts(7) },
  { model: 'gpt-z', provider: 'openai', timestamp: ts(8) },
];

describe('devserver', () => {
  let server: DevServer;
  const predict = async (...queries: unknown[]) => {
    const answer = await postJson<PredictionBatchResponse>(server, PREDICTIONS, { queries });
    expect(answer.status).toBe(200);
    return answer.body.results;
  };
  const store = async (rows: Row[]) => {
    const events = rows.map((row) => makeEvent(server.instanceId, row));
    const answer = await postJson<{ accepted: number }>(server, EVENTS, { events });
    expect(answer.body.accepted).toBe(rows.length);
  };

  beforeEach(async () => {
    server = await startDevServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('POST /v1/predictions/batch', () => {
    describe('statistics', () => {
      beforeEach(async () => {
        await store(FIXTURE);
      });

      it('computes hand-checked percentiles, medians, factors and rates on an exact match', async () => {
        const [result] = await predict(query());
        // input sorted 100 200 300 400 1000, rank (n-1)p: p10 0.4 -> 140, p90 3.6 -> 760.
        // output 10..50: p10 14, p90 46. cost and duration medians: 3000.
        // input factor: (100+400+1000+300) / (100+100+700+200) = 1800/1100 = 1.63636 -> 1.6364.
        // output factor: 150 / 100. gates passed 3 of 5; success 3 of 5 (failure and partial are not).
        expect(result).toEqual({
          prediction: {
            input_tokens: { p10: 140, p25: 200, median: 300, p75: 400, p90: 760 },
            output_tokens: { p10: 14, p25: 20, median: 30, p75: 40, p90: 46 },
            cost_usd_micros: { median: 3000 },
            duration_ms: { median: 3000 },
            correction_factors: { input: 1.6364, output: 1.5 },
            quality: { gate_pass_rate: 0.6, success_rate: 0.6 },
          },
          metadata: {
            sample_size: 5,
            fallback_level: 0,
            confidence: 'low',
            last_updated: '2026-01-01T00:00:05.000Z',
            dimensions_matched: {
              task_type: 'implementation',
              model: 'claude-x',
              provider: 'anthropic',
              complexity: 'medium',
            },
            fallback_note: null,
            cache_hit: false,
          },
        });
      });

      it('drops complexity (level 1) and interpolates between ranks when no exact match exists', async () => {
        const [result] = await predict(query({ complexity: 'critical' }));
        // six events: input 100 200 300 400 600 1000, rank 5p: p10 0.5 -> 150,
        // p25 1.25 -> 225, median 2.5 -> 350, p75 3.75 -> 550, p90 4.5 -> 800.
        // output 10..60: p25 22.5 -> 23, p75 47.5 -> 48 (halves round up).
        // The sixth event estimates 0, so it is left out of both factors.
        expect(result?.prediction).toEqual({
          input_tokens: { p10: 150, p25: 225, median: 350, p75: 550, p90: 800 },
          output_tokens: { p10: 15, p25: 23, median: 35, p75: 48, p90: 55 },
          cost_usd_micros: { median: 3500 },
          duration_ms: { median: 3500 },
          correction_factors: { input: 1.6364, output: 1.5 },
          quality: { gate_pass_rate: 4 / 6, success_rate: 4 / 6 },
        });
        expect(result?.metadata).toEqual({
          sample_size: 6,
          fallback_level: 1,
          confidence: 'low',
          last_updated: '2026-01-01T00:00:06.000Z',
          dimensions_matched: {
            task_type: 'implementation',
            model: 'claude-x',
            provider: 'anthropic',
            complexity: null,
          },
          fallback_note: expect.stringContaining('complexity'),
          cache_hit: false,
        });
      });

      it('drops complexity and model (level 2) when the model has no events', async () => {
        const [result] = await predict(query({ model: 'claude-unknown' }));
        expect(result?.metadata).toMatchObject({
          sample_size: 7,
          fallback_level: 2,
          confidence: 'low',
          last_updated: '2026-01-01T00:00:07.000Z',
          dimensions_matched: {
            task_type: 'implementation',
            model: null,
            provider: 'anthropic',
            complexity: null,
          },
        });
        expect(result?.metadata.fallback_note).toMatch(/complexity and model/);
      });

      it('matches on task_type only (level 3) when the provider has no events', async () => {
        const [result] = await predict(query({ provider: 'google', model: 'gemini' }));
        expect(result?.metadata).toMatchObject({
          sample_size: 8,
          fallback_level: 3,
          confidence: 'low',
          last_updated: '2026-01-01T00:00:08.000Z',
          dimensions_matched: {
            task_type: 'implementation',
            model: null,
            provider: null,
            complexity: null,
          },
        });
        expect(result?.metadata.fallback_note).toMatch(/task_type only/);
        // all eight inputs: 100 100 100 200 300 400 600 1000, median rank 3.5 -> 250.
        expect(result?.prediction?.input_tokens.median).toBe(250);
      });

      it('answers prediction null, level -1 and confidence none when the task_type has no events', async () => {
        const [result] = await predict(query({ task_type: 'debugging' }));
        expect(result).toEqual({
          prediction: null,
          metadata: {
            sample_size: 0,
            fallback_level: -1,
            confidence: 'none',
            last_updated: null,
            dimensions_matched: null,
            fallback_note: expect.any(String),
            cache_hit: false,
          },
        });
      });

      it('answers correction factors of 1 when no matched event has an estimate', async () => {
        const [result] = await predict(query({ model: 'claude-y', complexity: 'low' }));
        expect(result?.metadata).toMatchObject({ sample_size: 1, fallback_level: 0 });
        expect(result?.prediction?.correction_factors).toEqual({ input: 1, output: 1 });
      });

      it('answers every query in query order', async () => {
        const results = await predict(
          query({ task_type: 'debugging' }),
          query(),
          query({ complexity: 'critical' }),
        );
        expect(results.map((r) => r.metadata.fallback_level)).toEqual([-1, 0, 1]);
      });
    });

    describe('confidence', () => {
      const exact = (n: number): Row[] => Array.from({ length: n }, () => ({}));

      it('answers low below 30, medium from 30 and high from 100 exact samples', async () => {
        await store(exact(29));
        expect((await predict(query()))[0]?.metadata).toMatchObject({
          sample_size: 29,
          confidence: 'low',
        });
        await store(exact(1));
        expect((await predict(query()))[0]?.metadata).toMatchObject({
          sample_size: 30,
          confidence: 'medium',
        });
        await store(exact(69));
        expect((await predict(query()))[0]?.metadata).toMatchObject({
          sample_size: 99,
          confidence: 'medium',
        });
        await store(exact(1));
        expect((await predict(query()))[0]?.metadata).toMatchObject({
          sample_size: 100,
          confidence: 'high',
        });
      });

      it('answers low at a fallback level even with 100 samples', async () => {
        await store(exact(100));
        const [result] = await predict(query({ complexity: 'low' }));
        expect(result?.metadata).toMatchObject({
          sample_size: 100,
          fallback_level: 1,
          confidence: 'low',
        });
      });
    });

    describe('cache', () => {
      it('serves a repeated query from the cache with cache_hit true', async () => {
        await store([{}]);
        const [first] = await predict(query());
        const [second] = await predict(query());
        expect(first?.metadata.cache_hit).toBe(false);
        expect(second?.metadata.cache_hit).toBe(true);
        expect(second?.prediction).toEqual(first?.prediction);
      });

      it('recomputes with cache_hit false after new events are accepted', async () => {
        await store([{ actual_input_tokens: 100 }]);
        await predict(query());
        await store([{ actual_input_tokens: 300 }]);
        const [result] = await predict(query());
        expect(result?.metadata).toMatchObject({ cache_hit: false, sample_size: 2 });
        expect(result?.prediction?.input_tokens.median).toBe(200);
      });

      it('keeps the cache when a batch only holds rejected events', async () => {
        const event = makeEvent(server.instanceId);
        await postJson(server, EVENTS, { events: [event] });
        await predict(query());
        await postJson(server, EVENTS, { events: [event] });
        expect((await predict(query()))[0]?.metadata.cache_hit).toBe(true);
      });

      it('recomputes once the TTL has passed', async () => {
        await server.close();
        server = await startDevServer({ predictionCacheTtlMs: 300 });
        await store([{}]);
        await predict(query());
        expect((await predict(query()))[0]?.metadata.cache_hit).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 350));
        expect((await predict(query()))[0]?.metadata.cache_hit).toBe(false);
      });
    });

    describe('request checks', () => {
      it('answers 401 when the key is missing', async () => {
        const answer = await postJson(
          server,
          PREDICTIONS,
          { queries: [query()] },
          { apiKey: null },
        );
        expect(answer.status).toBe(401);
      });

      it('answers 415 when the Content-Type is not JSON', async () => {
        const answer = await postJson(
          server,
          PREDICTIONS,
          { queries: [query()] },
          {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          },
        );
        expect(answer.status).toBe(415);
      });

      it('answers 413 when the body exceeds 1 MiB', async () => {
        const raw = JSON.stringify({ queries: [query()] }).padEnd(1_048_577, ' ');
        const answer = await postJson(server, PREDICTIONS, null, { raw });
        expect(answer.status).toBe(413);
      });

      it('answers 400 when the body is not JSON', async () => {
        const answer = await postJson(server, PREDICTIONS, null, { raw: 'queries' });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(/^body: invalid JSON/);
      });

      it.each([
        ['queries is missing', {}, 'queries: missing'],
        ['queries is empty', { queries: [] }, 'queries: must hold at least 1 item'],
        [
          'queries holds more than 50',
          { queries: Array.from({ length: 51 }, () => query()) },
          'queries: must hold at most 50 items, got 51',
        ],
        [
          'a query is not an object',
          { queries: [query(), 'implementation'] },
          'queries[1]: must be an object',
        ],
        [
          'a query has a non-string model',
          { queries: [query(), query(), { ...query(), model: 7 }] },
          'queries[2].model: must be a string of 1 to 100 characters',
        ],
        [
          'a query has a 5,000-character model',
          { queries: [{ ...query(), model: 'm'.repeat(5_000) }] },
          'queries[0].model: must be a string of 1 to 100 characters',
        ],
        [
          'a query has an empty model',
          { queries: [{ ...query(), model: '' }] },
          'queries[0].model: must be a string of 1 to 100 characters',
        ],
        [
          'a query has a task_type off the wire enum',
          { queries: [{ ...query(), task_type: 'x'.repeat(5_000) }] },
          'queries[0].task_type: must be one of planning, implementation, code_review, testing, debugging, refactoring, documentation, configuration, security_audit, unknown',
        ],
        [
          'a query has a provider name instead of its wire value',
          { queries: [query(), { ...query(), provider: 'gcp.gemini' }] },
          'queries[1].provider: must be one of anthropic, openai, openrouter, ollama, google, mistral, custom, unknown',
        ],
        [
          'a query lacks complexity',
          { queries: [{ task_type: 'testing', model: 'm', provider: 'openai' }] },
          'queries[0].complexity: must be one of low, medium, high, critical',
        ],
      ])('answers 400 naming the field when %s', async (_case, body, message) => {
        const answer = await postJson(server, PREDICTIONS, body);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toBe(message);
      });

      it('accepts a batch of exactly 50 queries', async () => {
        const results = await predict(...Array.from({ length: 50 }, () => query()));
        expect(results).toHaveLength(50);
      });
    });
  });
});

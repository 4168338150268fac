import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PredictionQuery } from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { MosaicPredictions } from '../../src/predictions/mosaic-predictions.js';
import type { MosaicPredictionsOptions } from '../../src/predictions/resolve-predictions-options.js';
import type { MosaicDeliveryError, MosaicTelemetryConfig } from '../../src/types.js';
import { USER_AGENT } from '../../src/version.js';
import { answerPredictions, predictionFor, queriesOf } from '../support/prediction-answers.js';

const API_KEY = 'b'.repeat(64);
const INSTANCE_ID = '3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f';

const query = (overrides: Partial<PredictionQuery> = {}): PredictionQuery => ({
  task_type: 'implementation',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  complexity: 'medium',
  ...overrides,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('MosaicPredictions', () => {
  let server: RecordingServer;
  const helpers: MosaicPredictions[] = [];
  let errors: MosaicDeliveryError[];

  function make(config: MosaicTelemetryConfig = {}, options?: MosaicPredictionsOptions) {
    const helper = new MosaicPredictions(
      {
        enabled: true,
        serverUrl: server.url,
        apiKey: API_KEY,
        instanceId: INSTANCE_ID,
        maxRetries: 0,
        onError: (e) => errors.push(e),
        ...config,
      },
      options,
    );
    helpers.push(helper);
    return helper;
  }

  beforeEach(async () => {
    vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '');
    vi.stubEnv('OTEL_SDK_DISABLED', '');
    errors = [];
    server = await startRecordingServer();
    server.respondWith(answerPredictions());
  });

  afterEach(async () => {
    for (const helper of helpers.splice(0)) await helper.shutdown();
    await server.close();
  });

  describe('refresh', () => {
    it('caches each answer by its four dimensions when the server answers', async () => {
      server.respondWith(
        answerPredictions((q) => predictionFor(q, q.complexity === 'high' ? 5000 : 800)),
      );
      const predictions = make();
      await predictions.refresh([query(), query({ complexity: 'high' })]);

      expect(predictions.get(query())?.prediction?.input_tokens.median).toBe(800);
      expect(predictions.get(query({ complexity: 'high' }))?.prediction?.input_tokens.median).toBe(
        5000,
      );
      expect(predictions.get(query())).toEqual(predictionFor(query(), 800));
      expect(errors).toEqual([]);
    });

    it('posts the queries with the bearer key, JSON content type and user agent', async () => {
      await make().refresh([query()]);

      expect(server.requests).toHaveLength(1);
      const [req] = server.requests;
      expect(req?.method).toBe('POST');
      expect(req?.url).toBe('/v1/predictions/batch');
      expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers['user-agent']).toBe(USER_AGENT);
      expect(JSON.parse(req?.body ?? '')).toEqual({ queries: [query()] });
    });

    it('sends 120 queries in 3 requests of at most 50', async () => {
      const queries = Array.from({ length: 120 }, (_, i) => query({ model: `model-${i}` }));
      const predictions = make();
      await predictions.refresh(queries);

      expect(server.requests.map((r) => queriesOf(r).length).sort()).toEqual([20, 50, 50]);
      const sent = server.requests.flatMap(queriesOf).map((q) => q.model);
      expect(new Set(sent).size).toBe(120);
      for (const q of queries) expect(predictions.get(q)).toBeDefined();
    });

    it('shares one request between concurrent refreshes of the same queries', async () => {
      server.respondWith(answerPredictions(undefined, 50));
      const predictions = make();
      const a = query({ model: 'a' });
      const b = query({ model: 'b' });
      const c = query({ model: 'c' });

      await Promise.all([
        predictions.refresh([a, b]),
        predictions.refresh([b, a]),
        predictions.refresh([b, c]),
      ]);

      expect(server.requests.map((r) => queriesOf(r).map((q) => q.model))).toEqual([
        ['a', 'b'],
        ['c'],
      ]);
      for (const q of [a, b, c]) expect(predictions.get(q)).toBeDefined();
    });

    it('waits for the shared request before resolving', async () => {
      server.respondWith(answerPredictions(undefined, 50));
      const predictions = make();
      const first = predictions.refresh([query()]);
      await predictions.refresh([query()]);

      expect(predictions.get(query())).toBeDefined();
      expect(server.requests).toHaveLength(1);
      await first;
    });

    it('sends a query once when it is listed twice', async () => {
      await make().refresh([query(), query(), { ...query() }]);

      expect(server.requests.map((r) => queriesOf(r).length)).toEqual([1]);
    });

    it('skips invalid queries and reports them through onError', async () => {
      const predictions = make();
      await predictions.refresh([
        query(),
        query({ task_type: 'coding' as never }),
        query({ model: '' }),
        null as never,
      ]);

      expect(server.requests.map((r) => queriesOf(r))).toEqual([[query()]]);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.kind).toBe('predictions');
      expect(errors[0]?.eventCount).toBe(3);
      expect(errors[0]?.message).toMatch(/3 invalid prediction queries.*task_type/);
    });

    it('reports and leaves the cache empty when the server is down', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const predictions = make({ serverUrl: `http://127.0.0.1:${port}` });

      await expect(predictions.refresh([query()])).resolves.toBeUndefined();

      expect(predictions.get(query())).toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.kind).toBe('predictions');
      expect(errors[0]?.message).toMatch(/failed after retries.*ECONNREFUSED/);
    });

    it('retries a 500 with backoff, then reports it and keeps the previous answer', async () => {
      const predictions = make({ maxRetries: 2 }, { retryBaseDelayMs: 1 });
      await predictions.refresh([query()]);
      server.respondWith(() => ({ status: 500, body: 'boom' }));

      await predictions.refresh([query()]);

      expect(server.requests).toHaveLength(4);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.status).toBe(500);
      expect(errors[0]?.eventCount).toBe(1);
      expect(predictions.get(query())).toEqual(predictionFor(query()));
    });

    it('reports a 403 without retrying', async () => {
      server.respondWith(() => ({ status: 403, body: '{"error":"instance mismatch"}' }));
      const predictions = make({ maxRetries: 3 }, { retryBaseDelayMs: 1 });

      await predictions.refresh([query()]);

      expect(server.requests).toHaveLength(1);
      expect(errors.map((e) => [e.kind, e.status])).toEqual([['predictions', 403]]);
      expect(errors[0]?.message).toMatch(/apiKey and instanceId/);
      expect(predictions.get(query())).toBeUndefined();
    });

    it('reports a body that is not JSON and caches nothing', async () => {
      server.respondWith(() => ({ status: 200, body: '{"results": [' }));
      const predictions = make();

      await predictions.refresh([query()]);

      expect(predictions.get(query())).toBeUndefined();
      expect(errors[0]?.message).toMatch(/not JSON/);
    });

    it('caches nothing when the results do not match the queries one to one', async () => {
      server.respondWith((req) => ({
        status: 200,
        body: JSON.stringify({ results: [predictionFor(queriesOf(req)[0] as PredictionQuery)] }),
      }));
      const predictions = make();

      await predictions.refresh([query({ model: 'a' }), query({ model: 'b' })]);

      expect(predictions.get(query({ model: 'a' }))).toBeUndefined();
      expect(predictions.get(query({ model: 'b' }))).toBeUndefined();
      expect(errors[0]?.message).toMatch(/1 results for 2 queries/);
    });

    it('caches the valid answers of a batch and reports the malformed ones', async () => {
      const broken = (q: PredictionQuery) => {
        const answer = predictionFor(q) as unknown as {
          prediction: { input_tokens: { median: unknown } };
          metadata: Record<string, unknown>;
        };
        if (q.model === 'nan') answer.prediction.input_tokens.median = 'NaN';
        if (q.model === 'negative') answer.prediction.input_tokens.median = -1;
        if (q.model === 'confidence') answer.metadata.confidence = 'certain';
        if (q.model === 'no-metadata') delete (answer as { metadata?: unknown }).metadata;
        return answer;
      };
      server.respondWith(answerPredictions(broken));
      const predictions = make();
      const models = ['ok', 'nan', 'negative', 'confidence', 'no-metadata'];

      await predictions.refresh(models.map((model) => query({ model })));

      expect(models.map((model) => predictions.get(query({ model })) !== undefined)).toEqual([
        true,
        false,
        false,
        false,
        false,
      ]);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.eventCount).toBe(4);
      expect(errors[0]?.message).toMatch(/4 of 5 predictions were malformed/);
    });

    it('caches an answer without data (fallback level -1) as it came', async () => {
      const none = {
        prediction: null,
        metadata: {
          sample_size: 0,
          fallback_level: -1,
          confidence: 'none',
          last_updated: null,
          dimensions_matched: null,
          fallback_note: 'No stored events for task_type "implementation".',
          cache_hit: false,
        },
      };
      server.respondWith(answerPredictions(() => none));
      const predictions = make();

      await predictions.refresh([query()]);

      expect(predictions.get(query())).toEqual(none);
    });

    it('resolves and logs when onError throws', async () => {
      server.respondWith(() => ({ status: 500 }));
      const predictions = make({
        onError: () => {
          throw new Error('bad handler');
        },
      });

      await expect(predictions.refresh([query()])).resolves.toBeUndefined();
    });

    it('resolves without a request when given something other than an array', async () => {
      const predictions = make();

      await expect(predictions.refresh('nope' as never)).resolves.toBeUndefined();

      expect(server.requests).toHaveLength(0);
      expect(errors[0]?.message).toMatch(/expected an array/);
    });
  });

  describe('get', () => {
    it('returns undefined for a query never refreshed', async () => {
      const predictions = make();
      await predictions.refresh([query()]);

      expect(predictions.get(query({ complexity: 'low' }))).toBeUndefined();
      expect(predictions.get(query({ model: 'other' }))).toBeUndefined();
      expect(predictions.get(query({ provider: 'openai' }))).toBeUndefined();
      expect(predictions.get(query({ task_type: 'testing' }))).toBeUndefined();
      expect(predictions.get(undefined as never)).toBeUndefined();
    });

    it('returns undefined once predictionCacheTtlMs has passed', async () => {
      const predictions = make({ predictionCacheTtlMs: 300 });
      await predictions.refresh([query()]);
      expect(predictions.get(query())).toBeDefined();

      await sleep(350);

      expect(predictions.get(query())).toBeUndefined();
    });

    it('returns a frozen answer so callers cannot change the cache', async () => {
      const predictions = make();
      await predictions.refresh([query()]);
      const answer = predictions.get(query());

      expect(Object.isFrozen(answer)).toBe(true);
      expect(Object.isFrozen(answer?.prediction?.input_tokens)).toBe(true);
      expect(Object.isFrozen(answer?.metadata)).toBe(true);
    });

    it('keeps only the schema fields of an answer', async () => {
      server.respondWith(answerPredictions((q) => ({ ...predictionFor(q), secret: 'x' })));
      const predictions = make();
      await predictions.refresh([query()]);

      expect(Object.keys(predictions.get(query()) ?? {})).toEqual(['prediction', 'metadata']);
    });

    it('evicts the oldest answer beyond maxEntries', async () => {
      const predictions = make({}, { maxEntries: 2 });
      await predictions.refresh([query({ model: 'a' }), query({ model: 'b' })]);
      await predictions.refresh([query({ model: 'c' })]);

      expect(predictions.get(query({ model: 'a' }))).toBeUndefined();
      expect(predictions.get(query({ model: 'b' }))).toBeDefined();
      expect(predictions.get(query({ model: 'c' }))).toBeDefined();
    });
  });

  describe('staleWhileRevalidateMs', () => {
    it('serves the stale answer and refreshes it in the background', async () => {
      const predictions = make({ predictionCacheTtlMs: 20 }, { staleWhileRevalidateMs: 60_000 });
      await predictions.refresh([query()]);
      server.respondWith(answerPredictions((q) => predictionFor(q, 2000)));
      await sleep(40);

      expect(predictions.get(query())?.prediction?.input_tokens.median).toBe(1000);
      await until(
        () => predictions.get(query())?.prediction?.input_tokens.median === 2000,
        'the background refresh',
      );
      expect(server.requests).toHaveLength(2);
    });

    it('batches the stale reads of one tick into one request', async () => {
      const predictions = make({ predictionCacheTtlMs: 20 }, { staleWhileRevalidateMs: 60_000 });
      const queries = ['a', 'b', 'c'].map((model) => query({ model }));
      await predictions.refresh(queries);
      await sleep(40);

      for (let i = 0; i < 10; i++) for (const q of queries) predictions.get(q);
      await until(() => server.requests.length === 2, 'the background refresh');
      await sleep(30);

      expect(server.requests).toHaveLength(2);
      expect(queriesOf(server.requests[1] as never)).toHaveLength(3);
    });

    it('does not start another background refresh right after one failed', async () => {
      const predictions = make({ predictionCacheTtlMs: 20 }, { staleWhileRevalidateMs: 60_000 });
      await predictions.refresh([query()]);
      server.respondWith(() => ({ status: 500 }));
      await sleep(40);

      predictions.get(query());
      await until(() => errors.length === 1, 'the failed background refresh');
      const answer = predictions.get(query());
      await sleep(30);

      expect(answer).toEqual(predictionFor(query()));
      expect(server.requests).toHaveLength(2);
    });

    it('returns undefined once the window has passed too', async () => {
      const predictions = make({ predictionCacheTtlMs: 10 }, { staleWhileRevalidateMs: 100 });
      await predictions.refresh([query()]);

      await sleep(150);

      expect(predictions.get(query())).toBeUndefined();
      await sleep(20);
      expect(server.requests).toHaveLength(1);
    });

    it('serves nothing stale without the option', async () => {
      const predictions = make({ predictionCacheTtlMs: 10 });
      await predictions.refresh([query()]);
      await sleep(30);

      expect(predictions.get(query())).toBeUndefined();
      await sleep(20);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('configuration', () => {
    it('does nothing when telemetry is not switched on', async () => {
      const predictions = make({ enabled: undefined });

      await predictions.refresh([query()]);

      expect(predictions.isEnabled).toBe(false);
      expect(server.requests).toHaveLength(0);
      expect(predictions.get(query())).toBeUndefined();
    });

    it('lets MOSAIC_TELEMETRY_ENABLED=0 win over enabled: true', async () => {
      vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '0');
      const predictions = make();

      await predictions.refresh([query()]);

      expect(server.requests).toHaveLength(0);
    });

    it('is switched on by MOSAIC_TELEMETRY_ENABLED=1 with the rest from env', async () => {
      vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '1');
      vi.stubEnv('MOSAIC_TELEMETRY_SERVER_URL', server.url);
      vi.stubEnv('MOSAIC_TELEMETRY_API_KEY', API_KEY);
      vi.stubEnv('MOSAIC_TELEMETRY_INSTANCE_ID', INSTANCE_ID);
      const predictions = new MosaicPredictions();
      helpers.push(predictions);

      await predictions.refresh([query()]);

      expect(server.requests).toHaveLength(1);
      expect(predictions.get(query())).toBeDefined();
    });

    it('runs disabled when the config is invalid', async () => {
      const predictions = make({ apiKey: 'not-a-key' });

      await predictions.refresh([query()]);

      expect(predictions.isEnabled).toBe(false);
      expect(server.requests).toHaveLength(0);
    });

    it('runs disabled when a predictions option is invalid', async () => {
      const predictions = make({}, { staleWhileRevalidateMs: -1 });

      await predictions.refresh([query()]);

      expect(predictions.isEnabled).toBe(false);
      expect(server.requests).toHaveLength(0);
    });

    it('sends nothing in a dry run', async () => {
      const predictions = make({ dryRun: true });

      await predictions.refresh([query()]);

      expect(server.requests).toHaveLength(0);
      expect(predictions.get(query())).toBeUndefined();
    });
  });

  describe('shutdown', () => {
    it('empties the cache and makes later refreshes do nothing', async () => {
      const predictions = make();
      await predictions.refresh([query()]);

      await predictions.shutdown();
      await predictions.refresh([query({ model: 'later' })]);

      expect(predictions.get(query())).toBeUndefined();
      expect(server.requests).toHaveLength(1);
      expect(predictions.isEnabled).toBe(false);
    });

    it('drops answers that arrive after it', async () => {
      server.respondWith(answerPredictions(undefined, 50));
      const predictions = make();
      const pending = predictions.refresh([query()]);

      await predictions.shutdown();
      await pending;

      expect(predictions.get(query())).toBeUndefined();
    });
  });
});

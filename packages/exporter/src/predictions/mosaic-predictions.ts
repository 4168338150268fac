// predictions/: crowd-sourced predictions: validated queries and answers, a bounded TTL cache.
import {
  MAX_QUERIES_PER_BATCH,
  type PredictionQuery,
  type PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { asError } from '../otel/safe-call.js';
import { createServerTransport } from '../transport/create-server-transport.js';
import { DeliveryError } from '../transport/delivery-error.js';
import type { Transport } from '../transport/http-transport.js';
import { logDryRun, refusalHint, reportDeliveryError } from '../transport/report-delivery-error.js';
import { sendConcurrently } from '../transport/request-pool.js';
import type { MosaicDeliveryError, MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { checkPredictionQuery } from './check-prediction-query.js';
import {
  PredictionCache,
  type PredictionCacheEntry,
  predictionQueryKey,
} from './prediction-cache.js';
import { readPredictionBatch } from './read-prediction-response.js';
import {
  type MosaicPredictionsOptions,
  resolvePredictionsOptions,
} from './resolve-predictions-options.js';

const PREDICTIONS_PATH = '/v1/predictions/batch';
/** After a background refresh was started for a stale entry, the next one waits this long. */
const REVALIDATE_RETRY_MS = 5000;

interface Job {
  readonly queries: PredictionQuery[];
  readonly keys: string[];
  readonly promise: Promise<void>;
  readonly done: () => void;
}

/**
 * Reads crowd-sourced predictions (`POST /v1/predictions/batch`) into a TTL cache: `refresh()` at
 * start-up (or on a schedule), then `get()` per task, synchronously. Concurrent refreshes of a query
 * share one request, and with `staleWhileRevalidateMs` a stale answer is served while a background
 * refresh replaces it. It never throws: failures go to `onError` and OTel `diag`, and leave the
 * cache as it was. Disabled telemetry (the same env flag and config as the exporter) makes
 * `refresh()` a no-op and `get()` return undefined.
 *
 * @example
 * ```ts
 * import { MosaicPredictions } from '@mosaicstack/telemetry-exporter';
 *
 * const predictions = new MosaicPredictions(); // same env and config as the span processor
 * const query = { task_type: 'implementation', model: 'claude-sonnet-4-5', provider: 'anthropic', complexity: 'medium' } as const;
 * await predictions.refresh([query]);
 * const median = predictions.get(query)?.prediction?.input_tokens.median; // sync, from cache
 * ```
 */
export class MosaicPredictions {
  private readonly config: ResolvedMosaicConfig;
  private readonly enabled: boolean;
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly cache: PredictionCache;
  private readonly transport: Transport | undefined;
  /** Aborted at shutdown: requests and retries in flight end at once instead of reaching the server. */
  private readonly closing = new AbortController();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly revalidateQueue = new Map<string, PredictionQuery>();
  private revalidateTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(config?: MosaicTelemetryConfig, options?: MosaicPredictionsOptions) {
    const resolved = resolveConfig(config);
    const own = resolvePredictionsOptions(options, resolved.switchedOn);
    this.config = resolved;
    this.enabled = reportConfig(resolved) && own.valid;
    this.ttlMs = resolved.predictionCacheTtlMs;
    this.staleMs = own.staleWhileRevalidateMs;
    this.cache = new PredictionCache(own.maxEntries, own.maxBytes);
    if (!this.enabled || resolved.dryRun) return;
    this.transport = createServerTransport(resolved, own.retryBaseDelayMs);
  }

  /** Whether telemetry is on and the config valid, so `refresh()` asks the server. */
  get isEnabled(): boolean {
    return this.enabled && !this.closed;
  }

  /**
   * The cached answer for exactly these four dimensions, or undefined when there is none or it
   * expired. Synchronous and allocation-free; a stale answer within `staleWhileRevalidateMs` is
   * returned and refreshed in the background.
   */
  get(query: PredictionQuery): PredictionResponse | undefined {
    if (query === null || query === undefined) return undefined;
    const entry = this.cache.lookup(query);
    if (entry === undefined) return undefined;
    const now = Date.now();
    if (now < entry.freshUntil) return entry.response;
    return this.serveStale(entry, now);
  }

  /**
   * Fetches the answers to `queries` (in requests of at most 50) and caches each for
   * `predictionCacheTtlMs`. Resolves when they are in the cache or have failed; never rejects.
   * Invalid queries are skipped and reported; a query already being fetched is not asked twice.
   */
  async refresh(queries: readonly PredictionQuery[]): Promise<void> {
    try {
      await this.refreshQueries(queries);
    } catch (error) {
      this.report(new DeliveryError('predictions', `refresh failed: ${asError(error).message}`, 0));
    }
  }

  /** Stops background refreshes, closes the connections and empties the cache; later calls do nothing. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    if (this.revalidateTimer !== undefined) clearTimeout(this.revalidateTimer);
    this.revalidateTimer = undefined;
    this.revalidateQueue.clear();
    this.cache.clear();
    this.transport?.close();
  }

  private serveStale(entry: PredictionCacheEntry, now: number): PredictionResponse | undefined {
    if (now >= entry.staleUntil) {
      this.cache.delete(entry);
      return undefined;
    }
    if (now >= entry.revalidateAt && !this.closed) {
      entry.revalidateAt = now + REVALIDATE_RETRY_MS;
      this.revalidateQueue.set(entry.key, entry.query);
      if (this.revalidateTimer === undefined) {
        // Batch the stale reads of one tick into one refresh.
        this.revalidateTimer = setTimeout(() => this.revalidate(), 0);
        this.revalidateTimer.unref?.();
      }
    }
    return entry.response;
  }

  private revalidate(): void {
    this.revalidateTimer = undefined;
    const queries = [...this.revalidateQueue.values()];
    this.revalidateQueue.clear();
    void this.refresh(queries);
  }

  private async refreshQueries(queries: readonly PredictionQuery[]): Promise<void> {
    if (!this.enabled || this.closed) return;
    if (!Array.isArray(queries)) {
      this.report(new DeliveryError('predictions', 'refresh: expected an array of queries', 0));
      return;
    }
    const waits: Promise<void>[] = [];
    const missing: PredictionQuery[] = [];
    const seen = new Set<string>();
    let invalid = 0;
    let firstProblem: string | undefined;
    for (const query of queries) {
      const problem = checkPredictionQuery(query);
      if (problem !== undefined) {
        invalid++;
        firstProblem ??= problem;
        continue;
      }
      const key = predictionQueryKey(query);
      if (seen.has(key)) continue;
      seen.add(key);
      const running = this.inflight.get(key);
      if (running !== undefined) waits.push(running);
      else {
        const { task_type, model, provider, complexity } = query;
        missing.push({ task_type, model, provider, complexity });
      }
    }
    if (invalid > 0) {
      this.report(
        new DeliveryError(
          'predictions',
          `skipped ${invalid} invalid prediction queries (first: ${firstProblem})`,
          invalid,
        ),
      );
    }
    waits.push(this.fetch(missing));
    await Promise.all(waits);
  }

  /** Sends `queries` in chunks, registering each chunk as in flight for its queries. */
  private async fetch(queries: PredictionQuery[]): Promise<void> {
    const jobs: Job[] = [];
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_BATCH) {
      const chunk = queries.slice(i, i + MAX_QUERIES_PER_BATCH);
      let done = () => {};
      const promise = new Promise<void>((resolve) => {
        done = resolve;
      });
      const keys = chunk.map(predictionQueryKey);
      for (const key of keys) this.inflight.set(key, promise);
      jobs.push({ queries: chunk, keys, promise, done });
    }
    await sendConcurrently(jobs, async (job) => {
      try {
        await this.sendChunk(job.queries);
      } catch (error) {
        const message = `predictions request failed: ${asError(error).message}`;
        this.report(new DeliveryError('predictions', message, job.queries.length));
      } finally {
        for (const key of job.keys) {
          if (this.inflight.get(key) === job.promise) this.inflight.delete(key);
        }
        job.done();
      }
    });
  }

  private async sendChunk(queries: PredictionQuery[]): Promise<void> {
    const body = JSON.stringify({ queries });
    if (this.transport === undefined) {
      logDryRun(this.config.serverUrl, PREDICTIONS_PATH, body);
      return;
    }
    const result = await this.transport.send(PREDICTIONS_PATH, body, this.closing.signal);
    if (this.closed) return;
    const n = queries.length;
    if (result.status !== 'success') {
      const status = result.statusCode;
      const hint = refusalHint(status);
      const how = result.status === 'retryable' ? 'failed after retries' : 'failed';
      const message = `predictions request for ${n} queries ${how}: ${result.error.message}${hint}`;
      this.report(new DeliveryError('predictions', message, n, status));
      return;
    }
    const answers = readPredictionBatch(result.body, n);
    if (typeof answers === 'string') {
      const message = `unusable predictions response, nothing cached: ${answers}`;
      this.report(new DeliveryError('predictions', message, n, result.statusCode));
      return;
    }
    this.store(queries, answers, result.statusCode);
  }

  private store(
    queries: PredictionQuery[],
    answers: Array<PredictionResponse | string>,
    status: number,
  ): void {
    const now = Date.now();
    const freshUntil = now + this.ttlMs;
    const staleUntil = freshUntil + this.staleMs;
    let bad = 0;
    let firstBad: string | undefined;
    answers.forEach((answer, i) => {
      const query = queries[i];
      if (typeof answer === 'string' || query === undefined) {
        bad++;
        firstBad ??= String(answer);
        return;
      }
      // A TTL and window of 0 mean "do not cache".
      if (staleUntil > now) {
        this.cache.set(query, {
          response: answer,
          freshUntil,
          staleUntil,
          revalidateAt: freshUntil,
        });
      }
    });
    if (bad > 0) {
      const message = `${bad} of ${queries.length} predictions were malformed and not cached (first: ${firstBad})`;
      this.report(new DeliveryError('predictions', message, bad, status));
    }
  }

  private report(error: MosaicDeliveryError): void {
    reportDeliveryError(error, this.config.onError);
  }
}

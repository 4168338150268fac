import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';

interface Entry {
  response: PredictionResponse;
  expiresAt: number;
}

const keyOf = (q: PredictionQuery): string =>
  JSON.stringify([q.task_type, q.model, q.provider, q.complexity]);

/** Computed predictions keyed on the four query dimensions, each kept for `ttlMs`. */
export class PredictionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = () => performance.now()) {
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new RangeError(`predictionCacheTtlMs: must be a number >= 0, got ${ttlMs}`);
    }
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached answer for `query`, marked `cache_hit: true`; undefined when absent or stale. */
  get(query: PredictionQuery): PredictionResponse | undefined {
    const key = keyOf(query);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return { ...entry.response, metadata: { ...entry.response.metadata, cache_hit: true } };
  }

  set(query: PredictionQuery, response: PredictionResponse): void {
    if (this.#ttlMs === 0) return;
    this.#entries.set(keyOf(query), { response, expiresAt: this.#now() + this.#ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}

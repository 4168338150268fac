import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';

interface Entry {
  response: PredictionResponse;
  expiresAt: number;
}

/** Bounds of the cache: how long an answer is served and how many answers are kept. */
export interface PredictionCacheLimits {
  ttlMs: number;
  maxEntries: number;
}

const keyOf = (q: PredictionQuery): string =>
  JSON.stringify([q.task_type, q.model, q.provider, q.complexity]);

/**
 * Computed predictions keyed on the four (validated, so short) query dimensions, each kept for
 * `ttlMs`, at most `maxEntries` of them (the oldest go first); expired entries are swept at most
 * once per TTL, on a write.
 */
export class PredictionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #nextSweep: number;

  constructor(limits: PredictionCacheLimits, now: () => number = () => performance.now()) {
    if (!Number.isFinite(limits.ttlMs) || limits.ttlMs < 0) {
      throw new RangeError(`predictionCacheTtlMs: must be a number >= 0, got ${limits.ttlMs}`);
    }
    if (!Number.isInteger(limits.maxEntries) || limits.maxEntries < 1) {
      throw new RangeError(
        `predictionCacheMaxEntries: must be an integer >= 1, got ${limits.maxEntries}`,
      );
    }
    this.#ttlMs = limits.ttlMs;
    this.#maxEntries = limits.maxEntries;
    this.#now = now;
    this.#nextSweep = now() + limits.ttlMs;
  }

  /** How many answers are held (expired ones included until swept). */
  get size(): number {
    return this.#entries.size;
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
    const now = this.#now();
    if (now >= this.#nextSweep) this.#sweep(now);
    const key = keyOf(query);
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { response, expiresAt: now + this.#ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Drops every expired entry (insertion order is expiry order: one TTL for all). */
  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(key);
    }
    this.#nextSweep = now + this.#ttlMs;
  }
}

import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';

/** One cached answer and its deadlines (epoch ms). */
export interface PredictionCacheEntry {
  readonly response: PredictionResponse;
  /** Until then the answer is fresh. */
  readonly freshUntil: number;
  /** Until then a stale answer may still be served while it is refreshed. */
  readonly staleUntil: number;
  /** No background refresh is started before this time (set when one is started). */
  revalidateAt: number;
  /** The flat key, to find the entry again when it is evicted. */
  readonly key: string;
  readonly query: PredictionQuery;
  /** What the entry is estimated to hold in memory (`predictionEntryBytes`). */
  readonly bytes: number;
}

type Level<T> = Map<string, T>;

/** The single-string form of a query's four dimensions (for maps off the hot path). */
export function predictionQueryKey(query: PredictionQuery): string {
  return `${query.task_type}\u0000${query.model}\u0000${query.provider}\u0000${query.complexity}`;
}

/**
 * Bytes an entry costs beside its strings: the answer's ten frozen objects and 21 numbers, the
 * entry, its query and key, and its nodes in five maps. Node 20 holds about 1.9 KB per entry of a
 * devserver-like answer, strings included, which this plus the strings exceeds by about a quarter
 * (test/faults/hostile-predictions.test.ts measures it).
 */
export const PREDICTION_ENTRY_OVERHEAD_BYTES = 2048;

/** Bytes of a string's characters, counted at two per UTF-16 unit (V8 stores some at one). */
const stringBytes = (value: string | null | undefined) =>
  typeof value === 'string' ? 2 * value.length : 0;

/**
 * The memory an entry is estimated to hold: `PREDICTION_ENTRY_OVERHEAD_BYTES` plus every string
 * of its query (counted twice: the query and the flat key) and of its answer.
 */
export function predictionEntryBytes(query: PredictionQuery, response: PredictionResponse): number {
  const { metadata } = response;
  const matched = metadata.dimensions_matched;
  return (
    PREDICTION_ENTRY_OVERHEAD_BYTES +
    2 *
      (stringBytes(query.task_type) +
        stringBytes(query.model) +
        stringBytes(query.provider) +
        stringBytes(query.complexity)) +
    stringBytes(metadata.last_updated) +
    stringBytes(metadata.fallback_note) +
    stringBytes(metadata.confidence) +
    (matched === null
      ? 0
      : stringBytes(matched.task_type) +
        stringBytes(matched.model) +
        stringBytes(matched.provider) +
        stringBytes(matched.complexity))
  );
}

/**
 * Predictions keyed by their four dimensions. Lookups walk nested maps keyed by the query's own
 * strings, so a read allocates nothing (no joined key); an insertion-ordered flat index bounds the
 * cache by evicting the oldest entries, to at most `maxEntries` entries and `maxBytes` estimated
 * bytes (`predictionEntryBytes`).
 */
export class PredictionCache {
  private readonly tree: Level<Level<Level<Level<PredictionCacheEntry>>>> = new Map();
  private readonly order = new Map<string, PredictionCacheEntry>();
  private heldBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  /** How many entries are held. */
  get size(): number {
    return this.order.size;
  }

  /** The estimated bytes of every entry held (`predictionEntryBytes`), at most `maxBytes`. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** The entry for `query`, fresh or not; allocation-free. */
  lookup(query: PredictionQuery): PredictionCacheEntry | undefined {
    return this.tree
      .get(query.task_type)
      ?.get(query.model)
      ?.get(query.provider)
      ?.get(query.complexity);
  }

  /**
   * Stores (or replaces) the answer to `query`, evicting the oldest entries while more than
   * `maxEntries` or `maxBytes` are held (an answer larger than `maxBytes` alone is not kept).
   */
  set(query: PredictionQuery, entry: Omit<PredictionCacheEntry, 'key' | 'query' | 'bytes'>): void {
    const key = predictionQueryKey(query);
    const { task_type, model, provider, complexity } = query;
    const stored: PredictionCacheEntry = {
      ...entry,
      key,
      query: { task_type, model, provider, complexity },
      bytes: predictionEntryBytes(query, entry.response),
    };
    const replaced = this.order.get(key);
    if (replaced !== undefined) this.heldBytes -= replaced.bytes;
    this.order.delete(key);
    this.order.set(key, stored);
    this.heldBytes += stored.bytes;
    const models = child(this.tree, query.task_type);
    const providers = child(models, query.model);
    const complexities = child(providers, query.provider);
    complexities.set(query.complexity, stored);
    while (this.order.size > this.maxEntries || this.heldBytes > this.maxBytes) {
      const oldest = this.order.values().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  /** Removes `entry` if it is still the one stored for its query. */
  delete(entry: PredictionCacheEntry): void {
    if (this.order.get(entry.key) !== entry) return;
    this.order.delete(entry.key);
    this.heldBytes -= entry.bytes;
    const { task_type, model, provider, complexity } = entry.query;
    const models = this.tree.get(task_type);
    const providers = models?.get(model);
    const complexities = providers?.get(provider);
    if (models === undefined || providers === undefined || complexities === undefined) return;
    complexities.delete(complexity);
    if (complexities.size > 0) return;
    providers.delete(provider);
    if (providers.size > 0) return;
    models.delete(model);
    if (models.size === 0) this.tree.delete(task_type);
  }

  clear(): void {
    this.tree.clear();
    this.order.clear();
    this.heldBytes = 0;
  }
}

/** The map under `key`, made when missing. */
function child<T>(parent: Map<string, Map<string, T>>, key: string): Map<string, T> {
  const existing = parent.get(key);
  if (existing !== undefined) return existing;
  const made = new Map<string, T>();
  parent.set(key, made);
  return made;
}

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
}

type Level<T> = Map<string, T>;

/** The single-string form of a query's four dimensions (for maps off the hot path). */
export function predictionQueryKey(query: PredictionQuery): string {
  return `${query.task_type}\u0000${query.model}\u0000${query.provider}\u0000${query.complexity}`;
}

/**
 * Predictions keyed by their four dimensions. Lookups walk nested maps keyed by the query's own
 * strings, so a read allocates nothing (no joined key); an insertion-ordered flat index bounds the
 * size by evicting the oldest entry.
 */
export class PredictionCache {
  private readonly tree: Level<Level<Level<Level<PredictionCacheEntry>>>> = new Map();
  private readonly order = new Map<string, PredictionCacheEntry>();

  constructor(private readonly maxEntries: number) {}

  /** The entry for `query`, fresh or not; allocation-free. */
  lookup(query: PredictionQuery): PredictionCacheEntry | undefined {
    return this.tree
      .get(query.task_type)
      ?.get(query.model)
      ?.get(query.provider)
      ?.get(query.complexity);
  }

  /** Stores (or replaces) the answer to `query`, evicting the oldest entry when full. */
  set(query: PredictionQuery, entry: Omit<PredictionCacheEntry, 'key' | 'query'>): void {
    const key = predictionQueryKey(query);
    const { task_type, model, provider, complexity } = query;
    const stored: PredictionCacheEntry = {
      ...entry,
      key,
      query: { task_type, model, provider, complexity },
    };
    this.order.delete(key);
    this.order.set(key, stored);
    const models = child(this.tree, query.task_type);
    const providers = child(models, query.model);
    const complexities = child(providers, query.provider);
    complexities.set(query.complexity, stored);
    while (this.order.size > this.maxEntries) {
      const oldest = this.order.values().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  /** Removes `entry` if it is still the one stored for its query. */
  delete(entry: PredictionCacheEntry): void {
    if (this.order.get(entry.key) !== entry) return;
    this.order.delete(entry.key);
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

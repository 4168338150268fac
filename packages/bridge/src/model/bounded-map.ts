/**
 * A Map that keeps at most `capacity` entries, forgetting the oldest inserted first: the memory of
 * what was already reported, learnt costs, sessions seen with traces. Bounded by count, never by a
 * timer.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}

/** What the table needs of an entry kept for a tracked span. */
export interface TableEntry {
  /** The span itself, to find its entry when its id can no longer be read. */
  readonly span: object | undefined;
  /** The span id (16 lower-case hex characters from an OTel SDK). */
  readonly id: string;
  /** The entry of the span's tracked parent, if any. */
  readonly parent: TableEntry | undefined;
  readonly generation: number;
  /** Tracked children started and not ended. */
  children: number;
  ended: boolean;
  /** Forgotten by aging (with every entry beneath it). */
  evicted: boolean;
}

/** Slots of the direct-mapped front table (a power of two). */
const SLOTS = 1024;
/** Fewest removable map entries a compaction waits for. */
const COMPACT_AT = 256;

/** An entry that ended with no live tracked child: nothing will look it up as a parent again. */
const isRemovable = (entry: TableEntry): boolean => entry.ended && entry.children === 0;

/** A slot for a span id: its last three hex digits (span ids are random). */
const slotOf = (id: string): number =>
  ((id.charCodeAt(id.length - 1) << 6) ^
    (id.charCodeAt(id.length - 2) << 3) ^
    id.charCodeAt(id.length - 3)) &
  (SLOTS - 1);

/**
 * Entries of tracked spans by span id, made cheap for spans that start and end in quick
 * succession. The entry added last is held apart and only placed in the table when the next one
 * is added while it is still kept: a leaf span that ends before the next span starts (most spans)
 * costs no table write at all (about -20 to -37 ns per tracked span, bench (a) tool row, same-run
 * comparison). A placed entry goes into a slot of a small direct-mapped array when that slot is
 * free or holds a removable entry (no hash-table insert or delete at all), else into a Map. Map
 * entries that become removable leave in batches, by rebuilding the Map once at least as many
 * are removable as are kept: deleting from a Map one key at a time makes V8 shrink and regrow its
 * table over and over. A slot entry leaves its slot as it becomes removable, so the span it holds
 * dies young.
 */
export class SpanEntryTable<E extends TableEntry> {
  private readonly slots = new Array<E | undefined>(SLOTS).fill(undefined);
  private map = new Map<string, E>();
  private last: E | undefined = undefined;
  private removableInMap = 0;
  private kept = 0;

  /**
   * The entry added last, until it becomes removable or is evicted (it is in no slot and not in
   * the map meanwhile): a span mostly ends before the next one starts, so its entry is found by
   * comparing the span object, with no read of the span.
   */
  get lastAdded(): E | undefined {
    return this.last;
  }

  /** Entries kept: not removable and not evicted. */
  get size(): number {
    return this.kept;
  }

  /** The entry of span id `id` (removable ones included; evicted ones not). */
  get(id: string): E | undefined {
    const last = this.last;
    if (last !== undefined && last.id === id) return last;
    const slotted = this.slots[slotOf(id)];
    if (slotted !== undefined && slotted.id === id) return slotted;
    return this.map.get(id);
  }

  add(entry: E): void {
    this.kept++;
    const previous = this.last;
    this.last = entry;
    if (previous !== undefined) this.place(previous);
  }

  /** Puts a kept entry in its slot, or in the map when the slot holds a kept entry. */
  private place(entry: E): void {
    const slot = slotOf(entry.id);
    const current = this.slots[slot];
    if (current === undefined || isRemovable(current)) {
      // A removable map entry of the same id (an id seen again) may stay: the slot is looked at
      // first, and once this entry leaves it, a removable entry is as good as none.
      this.slots[slot] = entry;
      return;
    }
    this.map.set(entry.id, entry);
  }

  /** Notes that `entry` became removable (it ended, and its last live child ended). */
  release(entry: E): void {
    this.kept--;
    if (this.last === entry) {
      this.last = undefined;
      return;
    }
    const slot = slotOf(entry.id);
    if (this.slots[slot] === entry) {
      // Let go at once: an entry left in its slot would keep its span alive into the old
      // generation, and the garbage collector's work for that costs more than the tracking.
      this.slots[slot] = undefined;
      return;
    }
    if (++this.removableInMap >= COMPACT_AT && this.removableInMap * 2 >= this.map.size) {
      this.compact();
    }
  }

  /** The entry of `span` found by the span object (slow: for spans whose id cannot be read). */
  findBySpan(span: object): E | undefined {
    if (this.last?.span === span) return this.last;
    for (const entry of this.slots) if (entry?.span === span && !isRemovable(entry)) return entry;
    for (const entry of this.map.values()) if (entry.span === span) return entry;
    return undefined;
  }

  /**
   * Forgets the entries made in generation `forgotten` or before, and every entry beneath them;
   * returns how many of those had not ended, each of which it also hands to `onLive`.
   */
  evict(forgotten: number, onLive?: (entry: E) => void): number {
    // Rare: the entry held apart joins the others, so one pass sees every entry.
    if (this.last !== undefined) {
      this.place(this.last);
      this.last = undefined;
    }
    let live = 0;
    const drop = (entry: E): void => {
      entry.evicted = true;
      if (!isRemovable(entry)) this.kept--;
      if (!entry.ended) {
        live++;
        onLive?.(entry);
      }
    };
    // Parents are older than their children: repeat until no entry beneath an evicted one is left.
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = 0; i < SLOTS; i++) {
        const entry = this.slots[i];
        if (entry === undefined) continue;
        if (entry.generation <= forgotten || entry.parent?.evicted === true) {
          drop(entry);
          this.slots[i] = undefined;
          changed = true;
        }
      }
      for (const [id, entry] of this.map) {
        if (entry.generation <= forgotten || entry.parent?.evicted === true) {
          drop(entry);
          this.map.delete(id);
          changed = true;
        }
      }
    }
    this.compact();
    return live;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.last = undefined;
    this.map = new Map();
    this.removableInMap = 0;
    this.kept = 0;
  }

  /** Rebuilds the map without its removable entries (order kept). */
  private compact(): void {
    const kept = new Map<string, E>();
    for (const [id, entry] of this.map) if (!isRemovable(entry)) kept.set(id, entry);
    this.map = kept;
    this.removableInMap = 0;
  }
}

// usage/: read model-call usage in each dialect and fold it into the task beneath which it ran.
import { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import { type Context, trace } from '@opentelemetry/api';
import type { TrackedTaskUsage as TaskUsage, TaskUsageStore } from '../conversion/task-usage.js';
import { logger } from '../otel/diag-logger.js';
import type { ReadableSpanLike } from '../otel/otel-types.js';
import { isAgentRoot, readModelCall } from './llm-call-usage.js';

/** Options of a {@link TaskUsageTracker}. */
export interface TaskUsageTrackerOptions {
  /**
   * Treat an un-enclosed root agent span as a task (see `isAgentRoot`).
   * @default false
   */
  readonly autoTasks?: boolean;
  /**
   * Most live spans tracked at once; beyond it new descendants are not folded (counted, logged once).
   * @default 10000
   */
  readonly maxEntries?: number;
  /**
   * Age in ms after which what is kept for a span that never ends is forgotten (between once and
   * about twice this age, see {@link TaskUsageTracker}), so such spans cannot leak.
   * @default 3600000
   */
  readonly maxAgeMs?: number;
  /** Monotonic clock in ms, read once per sweep, never per span. @default performance.now */
  readonly now?: () => number;
}

/** What is kept for a task span, or for a tracked span once a child of it starts. */
interface Entry {
  /** The task span whose usage the calls beneath this span count toward. */
  readonly task: object;
  /** The entry to mark covered above this one; `undefined` for a task (covering stops there). */
  readonly parent: Entry | undefined;
  /** A task no tracked span encloses counts itself; others count among their parent's children. */
  readonly countsItself: boolean;
  readonly generation: number;
  /** Tracked children started and not ended: the entry stays while any may still end. */
  children: number;
  /** Of those, how many have an entry: a child's end looks for its own only when this is not 0. */
  childEntries: number;
  ended: boolean;
  /** A model call beneath this span was counted, so this span's own usage must not be. */
  covered: boolean;
}

/** Tracker starts between two looks at the clock for aging. */
const SWEEP_EVERY = 256;

/** A 2.x/3.x span's parent id, or a 1.x span's `parentSpanId`. */
function parentIdOf(span: ReadableSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
}

/**
 * Follows which live spans descend from a task span and folds the usage of their model calls into
 * the task's entry of the shared {@link TaskUsageStore}. A span with `mosaic.task.type` at start
 * is a task; a span whose parent is tracked at its start counts toward its parent's task, so
 * nested tasks each get the calls beneath them and none of their inner task's. Only innermost
 * calls count (wrappers, task spans and calls that had a counted call beneath them are skipped),
 * so a model call is counted once. Reads spans, never writes to them.
 *
 * Cheap per span: a tracked span is a count on its parent's entry, found by the parent's id (the
 * last one found is remembered, and so is the last id known untracked). Entries are made only for
 * tasks and, lazily, for a tracked span once a child of it starts (through the live parent span in
 * the child's context), so most spans cost no map insert, delete or allocation.
 *
 * Bounded: at most `maxEntries` live tracked spans (beyond it new ones are dropped, counted and
 * logged once); an entry leaves when its span and its tracked children have all ended. Aging is by
 * generations, with one clock read per `SWEEP_EVERY` starts and none per span: once the current
 * generation is `maxAgeMs` old a new one begins, and the entries made in the one before last are
 * forgotten together with the live children counted on them. So an entry goes no sooner than
 * `maxAgeMs` after it was made and, in a busy process, by about `2 * maxAgeMs` (in a quiet one, at
 * the first sweep after that); a task that lives longer stops collecting usage, as spans that never
 * end stop being counted.
 */
export class TaskUsageTracker {
  private readonly byId = new Map<string, Entry>();
  private droppedSpans = new WeakSet<object>();
  private readonly autoTaskSpans = new WeakSet<object>();
  private readonly autoTasks: boolean;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private live = 0;
  private lastId: string | undefined;
  private lastEntry: Entry | undefined;
  /** A parent id found untracked; it stays so, as whether a span is tracked is settled at start. */
  private lastMissId: string | undefined;
  private generation = 0;
  private generationStart: number;
  private sweepCountdown = SWEEP_EVERY;
  private droppedCount = 0;
  private evictedCount = 0;

  constructor(
    private readonly store: TaskUsageStore,
    options: TaskUsageTrackerOptions = {},
  ) {
    this.autoTasks = options.autoTasks ?? false;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.now = options.now ?? (() => performance.now());
    this.generationStart = this.now();
  }

  /** Live spans tracked now (tasks and their descendants). */
  get size(): number {
    return this.live;
  }

  /** Entries kept now (tasks and tracked spans a child started under); 0 once those all ended. */
  get entries(): number {
    return this.byId.size;
  }

  /** Spans not tracked because the tracker was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Tracked spans forgotten by aging (spans that never ended, tasks older than the bound). */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Whether `span` became a task through `autoTasks`. */
  isAutoTask(span: object): boolean {
    return this.autoTaskSpans.has(span);
  }

  /**
   * Starts tracking `span` if it is a task, a tracked span's child, or an auto task;
   * `parentContext` is the context it starts in (the SDK's onStart argument).
   */
  onStart(span: ReadableSpanLike, parentContext: Context): void {
    if (--this.sweepCountdown <= 0) this.sweep();
    const isTask = span.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined;
    const parentId = parentIdOf(span);
    const parent =
      parentId === undefined || parentId === this.lastMissId
        ? undefined
        : (this.find(parentId) ?? this.enter(parentId, parentContext));
    if (parent === undefined) {
      if (isTask) this.addTask(span);
      else if (this.autoTasks && isAgentRoot(span) && this.addTask(span)) {
        this.autoTaskSpans.add(span);
      }
      return;
    }
    if (this.isFull(span)) return;
    parent.children++;
    this.live++;
    if (isTask) this.byId.set(span.spanContext().spanId, this.entry(span, undefined, false));
  }

  /**
   * Stops tracking `span`; when it is a model call beneath a task, folds its usage in. `isTask`:
   * whether it has `mosaic.task.type` now.
   */
  onEnd(
    span: ReadableSpanLike,
    isTask = span.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined,
  ): void {
    const parentId = parentIdOf(span);
    const parent =
      parentId === undefined || parentId === this.lastMissId ? undefined : this.find(parentId);
    let own: Entry | undefined;
    if (isTask || this.autoTasks || (parent !== undefined && parent.childEntries !== 0)) {
      const id = span.spanContext().spanId;
      own = this.byId.get(id);
      if (own !== undefined) {
        own.ended = true;
        if (own.children === 0) this.forget(id);
        if (own.parent !== undefined) own.parent.childEntries--;
        if (own.countsItself) {
          this.live--;
          return;
        }
      }
    }
    if (parent === undefined || (this.droppedCount !== 0 && this.droppedSpans.has(span))) return;
    this.live--;
    if (--parent.children === 0 && parent.ended) this.forget(parentId as string);
    if (!isTask && (own === undefined || !own.covered)) this.fold(span, parent);
  }

  /** Forgets every live span (on shutdown). */
  clear(): void {
    this.byId.clear();
    this.lastId = undefined;
    this.lastMissId = undefined;
    this.droppedSpans = new WeakSet();
    this.live = 0;
  }

  /** Makes `span` a task that counts itself; false when the tracker is full. */
  private addTask(span: ReadableSpanLike): boolean {
    if (this.isFull(span)) return false;
    this.byId.set(span.spanContext().spanId, this.entry(span, undefined, true));
    this.live++;
    return true;
  }

  /**
   * The entry of a tracked span without one yet, made now that a child of it starts; `undefined`
   * when that span is not tracked (no tracked parent, dropped, a task or ended: remembered, as it
   * stays so) or is not the live span in the child's context (a bare span context).
   */
  private enter(parentId: string, parentContext: Context): Entry | undefined {
    const parentSpan = trace.getSpan(parentContext) as Partial<ReadableSpanLike> | undefined;
    if (parentSpan?.attributes === undefined || parentSpan.spanContext?.().spanId !== parentId) {
      return undefined;
    }
    const grandparentId = parentIdOf(parentSpan as ReadableSpanLike);
    const grandparent =
      grandparentId === undefined || grandparentId === this.lastMissId
        ? undefined
        : this.find(grandparentId);
    if (
      grandparent === undefined ||
      parentSpan.ended === true ||
      parentSpan.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined ||
      (this.droppedCount !== 0 && this.droppedSpans.has(parentSpan))
    ) {
      this.lastMissId = parentId;
      return undefined;
    }
    const entry = this.entry(grandparent.task, grandparent, false);
    grandparent.childEntries++;
    this.byId.set(parentId, entry);
    return entry;
  }

  private entry(task: object, parent: Entry | undefined, countsItself: boolean): Entry {
    return {
      task,
      parent,
      countsItself,
      generation: this.generation,
      children: 0,
      childEntries: 0,
      ended: false,
      covered: false,
    };
  }

  /**
   * The entry of the span with id `id`. The last one found is remembered: siblings share a parent
   * and mostly start and end one after another, so a string compare often saves a map lookup.
   */
  private find(id: string): Entry | undefined {
    if (id === this.lastId) return this.lastEntry;
    const entry = this.byId.get(id);
    if (entry !== undefined) {
      this.lastId = id;
      this.lastEntry = entry;
    }
    return entry;
  }

  private forget(id: string): void {
    this.byId.delete(id);
    if (id === this.lastId) this.lastId = undefined;
  }

  /** Whether no more spans may be tracked (after evicting aged ones); counts and marks `span`. */
  private isFull(span: ReadableSpanLike): boolean {
    if (this.live < this.maxEntries) return false;
    this.sweep();
    if (this.live < this.maxEntries) return false;
    this.droppedSpans.add(span);
    if (this.droppedCount++ === 0) {
      logger.warn(
        `task usage tracking is full (${this.maxEntries} live spans): usage of spans started beyond it is not folded into their task`,
      );
    }
    return true;
  }

  private fold(span: ReadableSpanLike, parent: Entry): void {
    const call = readModelCall(span);
    if (call === undefined || call.kind !== 'call') return;
    const usage = this.usageOf(parent.task);
    usage.model ??= call.model;
    usage.provider ??= call.provider;
    if (call.inputTokens === undefined && call.outputTokens === undefined) return;
    usage.inputTokens += call.inputTokens ?? 0;
    usage.outputTokens += call.outputTokens ?? 0;
    usage.calls++;
    // Whatever encloses this call carries its usage again: never count it a second time.
    for (let p: Entry | undefined = parent; p !== undefined && !p.covered; p = p.parent) {
      p.covered = true;
    }
  }

  private usageOf(task: object): TaskUsage {
    let usage = this.store.get(task);
    if (usage === undefined) {
      usage = { inputTokens: 0, outputTokens: 0, model: undefined, provider: undefined, calls: 0 };
      this.store.set(task, usage);
    }
    return usage;
  }

  /**
   * Begins a new generation once the current one is `maxAgeMs` old and forgets the entries made
   * in the one before last (the map is in creation order, so they come first).
   */
  private sweep(): void {
    this.sweepCountdown = SWEEP_EVERY;
    const now = this.now();
    if (now - this.generationStart < this.maxAgeMs) return;
    this.generation++;
    this.generationStart = now;
    this.lastId = undefined;
    const forgotten = this.generation - 2;
    for (const [id, entry] of this.byId) {
      if (entry.generation > forgotten) break;
      this.byId.delete(id);
      const gone = entry.children + (entry.countsItself && !entry.ended ? 1 : 0);
      this.live -= gone;
      this.evictedCount += gone;
    }
  }
}

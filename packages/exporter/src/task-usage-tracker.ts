import { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import { logger } from './diag-logger.js';
import { isAgentRoot, readModelCall } from './llm-call-usage.js';
import type { ReadableSpanLike } from './otel-types.js';
import type { TaskUsage, TaskUsageStore } from './task-usage.js';

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
   * Age in ms after which a live entry is evicted, so spans that never end cannot leak.
   * @default 3600000
   */
  readonly maxAgeMs?: number;
  /** Monotonic clock in ms. @default performance.now */
  readonly now?: () => number;
}

/** One live tracked span: the task it counts toward and its tracked parent. */
interface Entry {
  readonly task: object;
  readonly parent: Entry | undefined;
  readonly startedAt: number;
  /** A model call beneath this span was counted, so this span's own usage must not be. */
  covered: boolean;
}

/** Tracker calls between two sweeps for aged entries. */
const SWEEP_EVERY = 256;

/** A 2.x/3.x span's parent id, or a 1.x span's `parentSpanId`. */
function parentIdOf(span: ReadableSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
}

/**
 * Follows which live spans descend from a task span and folds the usage of their model calls into
 * the task's entry of the shared {@link TaskUsageStore}. A span with `mosaic.task.type` at start
 * is a task root; a span whose parent is tracked counts toward its parent's task, so nested
 * tasks each get the calls beneath them and none of their inner task's. Only innermost calls
 * count (wrappers and calls that had a counted call beneath them are skipped), so a model call is
 * counted once. Bounded: entries leave on end, at most `maxEntries` live, aged out after
 * `maxAgeMs`. Reads spans, never writes to them.
 */
export class TaskUsageTracker {
  private readonly live = new Map<string, Entry>();
  private readonly autoTaskSpans = new WeakSet<object>();
  private readonly autoTasks: boolean;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
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
  }

  /** Live spans tracked now (tasks and their descendants). */
  get size(): number {
    return this.live.size;
  }

  /** Spans not tracked because the tracker was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Entries evicted because their span outlived `maxAgeMs`. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Whether `span` became a task through `autoTasks`. */
  isAutoTask(span: object): boolean {
    return this.autoTaskSpans.has(span);
  }

  /** Starts tracking `span` if it is a task root, a tracked span's child, or an auto task. */
  onStart(span: ReadableSpanLike): void {
    const parentId = this.live.size === 0 ? undefined : parentIdOf(span);
    const parent = parentId === undefined ? undefined : this.live.get(parentId);
    if (span.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined) {
      this.add(span, span, undefined);
    } else if (parent !== undefined) {
      this.add(span, parent.task, parent);
    } else if (this.autoTasks && isAgentRoot(span)) {
      if (this.add(span, span, undefined)) this.autoTaskSpans.add(span);
    } else if (this.live.size !== 0 && --this.sweepCountdown <= 0) {
      this.sweep();
    }
  }

  /** Stops tracking `span`; when it is a model call beneath a task, folds its usage in. */
  onEnd(span: ReadableSpanLike): void {
    const id = span.spanContext().spanId;
    const entry = this.live.get(id);
    if (entry === undefined) return;
    this.live.delete(id);
    if (entry.task !== span) this.fold(span, entry);
  }

  /** Forgets every live span (on shutdown). */
  clear(): void {
    this.live.clear();
  }

  private add(span: ReadableSpanLike, task: object, parent: Entry | undefined): boolean {
    if (--this.sweepCountdown <= 0 || this.live.size >= this.maxEntries) this.sweep();
    if (this.live.size >= this.maxEntries) {
      if (this.droppedCount++ === 0) {
        logger.warn(
          `task usage tracking is full (${this.maxEntries} live spans): usage of spans started beyond it is not folded into their task`,
        );
      }
      return false;
    }
    this.live.set(span.spanContext().spanId, {
      task,
      parent,
      startedAt: this.now(),
      covered: false,
    });
    return true;
  }

  private fold(span: ReadableSpanLike, entry: Entry): void {
    const call = readModelCall(span);
    if (call === undefined || call.kind !== 'call' || entry.covered) return;
    const usage = this.usageOf(entry.task);
    usage.model ??= call.model;
    usage.provider ??= call.provider;
    if (call.inputTokens === undefined && call.outputTokens === undefined) return;
    usage.inputTokens += call.inputTokens ?? 0;
    usage.outputTokens += call.outputTokens ?? 0;
    usage.calls++;
    // Whatever encloses this call carries its usage again: never count it a second time.
    for (let p = entry.parent; p !== undefined && !p.covered; p = p.parent) p.covered = true;
  }

  private usageOf(task: object): TaskUsage {
    let usage = this.store.get(task);
    if (usage === undefined) {
      usage = { inputTokens: 0, outputTokens: 0, model: undefined, provider: undefined, calls: 0 };
      this.store.set(task, usage);
    }
    return usage;
  }

  /** Evicts entries older than `maxAgeMs` (the map is in start order, so the oldest come first). */
  private sweep(): void {
    this.sweepCountdown = SWEEP_EVERY;
    const cutoff = this.now() - this.maxAgeMs;
    for (const [id, entry] of this.live) {
      if (entry.startedAt > cutoff) break;
      this.live.delete(id);
      this.evictedCount++;
    }
  }
}

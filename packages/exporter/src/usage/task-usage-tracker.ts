// usage/: read model-call usage in each dialect and fold it into the task beneath which it ran.
import { ATTR_MOSAIC_TASK_TYPE } from '@mosaicstack/telemetry-semconv';
import { type Context, context, type SpanContext } from '@opentelemetry/api';
import type { TaskUsageStore } from '../conversion/task-usage.js';
import { logger } from '../otel/diag-logger.js';
import { hrTimeToMillis } from '../otel/hr-time.js';
import type { ReadableSpanLike } from '../otel/otel-types.js';
import { ChunkPool } from './chunk-pool.js';
import { type FoldableCall, isOneCallOfTwoLayers } from './fold-model-calls.js';
import { isAgentRoot, type ModelCallFields, readModelCallInto } from './llm-call-usage.js';
import { SpanEntryTable } from './span-entry-table.js';
import { type TaskCalls, taskCalls } from './task-calls.js';

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

/** What is kept for a tracked span (a task or a task's descendant) while it or a child is live. */
interface Entry {
  /** The span itself (only while its entry is kept), to find it if its id can no longer be read. */
  span: object | undefined;
  readonly id: string;
  readonly traceId: string;
  /** The calls of the task this span counts toward (its own, for a task span); none once let go. */
  task: TaskCalls | undefined;
  /**
   * The tracked span this one started under; `undefined` for a task no tracked span encloses, and
   * once the entry is let go (a let-go entry holds nothing, so nothing it held lives on with it).
   */
  parent: Entry | undefined;
  /**
   * {@link TASK}: a task span, where the ancestry of the calls beneath it stops; {@link ACTIVE}: a
   * span started in the active context (a provider SDK's, in the caller's async context), not in
   * one a framework built from a parent of its choosing; {@link OTHER}: any other, and every span
   * started while one task alone is live, where it cannot matter (one field for both, as an
   * entry is kept per live span).
   */
  readonly role: Role;
  /**
   * The span's `llm.model_name` at its start, the model asked for (see `readModelCallInto`);
   * `undefined` for a task span. One attribute read per tracked span, none of its cost visible
   * on bench (a)'s tool and chat rows (-9 to +9 and -3 to +18 ns, three same-run comparisons).
   */
  readonly modelAtStart: unknown;
  readonly generation: number;
  /** Tracked children started and not ended: the entry stays in the map while any is live. */
  children: number;
  /**
   * Whether a tracked child ever started beneath it: only then can its span id be among a call's
   * ancestors, so only then does the task keep its id (see `callOf`).
   */
  hadChildren: boolean;
  ended: boolean;
  /** Forgotten by aging: its descendants are forgotten with it. */
  evicted: boolean;
}

/** The ancestry of a call right beneath its task (shared: most calls have no other ancestor). */
const NO_ANCESTORS: readonly string[] = Object.freeze([]);

/**
 * A {@link FoldableCall} filled in place (see `TaskUsageTracker.call`), the span's usage read
 * straight into it.
 */
type CallFields = { -readonly [K in keyof FoldableCall]: FoldableCall[K] } & ModelCallFields;

/** A blank {@link CallFields}. */
function callFields(): CallFields {
  return {
    kind: 'call',
    dialect: 'gen-ai',
    traceId: '',
    spanId: '',
    ancestorIds: NO_ANCESTORS,
    layer: undefined,
    startTimeMs: 0,
    endTimeMs: 0,
    inputTokens: undefined,
    outputTokens: undefined,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    model: undefined,
    provider: undefined,
  };
}

/** What a tracked span is to folding (see `Entry.role`). */
type Role = 0 | 1 | 2;
const OTHER = 0;
const TASK = 1;
const ACTIVE = 2;

/** Slots of the table of recent model calls that finds one call counted in two tasks. */
const RECENT_SLOTS = 64;

/** Tracker starts between two looks at the clock for aging. */
const SWEEP_EVERY = 256;

/** A 2.x/3.x span's parent context, or a 1.x span's `parentSpanId`. */
function parentIdOf(span: ReadableSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
}

/**
 * Follows which live spans descend from a task span and folds the usage of their model calls into
 * the task's entry of the shared {@link TaskUsageStore}. A span with `mosaic.task.type` at start
 * is a task; a span whose parent span id (in the same trace) is a tracked span's at its start is
 * tracked too and counts toward that span's task, whatever the parent context holds (the live
 * parent span, a bare span context, a wrapper object): the id alone decides. Nested tasks each get
 * the calls beneath them and none of their inner task's. The calls beneath a task are folded by
 * `foldModelCalls` (each real call once) when the task ends, and again when a call ends after it.
 * Reads spans, never writes to them.
 *
 * Cheap per span: a tracked span is one map entry keyed by its id, found by its children through
 * their parent id (the last one found is remembered, and so is the last id known untracked, as
 * whether a span is tracked is settled at its start). An entry leaves the map when its span and
 * its tracked children have all ended.
 *
 * Bounded: at most `maxEntries` live tracked spans (beyond it new ones are dropped, counted and
 * logged once). Aging is by generations, with one clock read per `SWEEP_EVERY` starts and none
 * per span: once the current generation is `maxAgeMs` old a new one begins, and the entries made
 * in the one before last are forgotten, with every entry beneath them. So an entry goes no sooner
 * than `maxAgeMs` after it was made and, in a busy process, by about `2 * maxAgeMs` (in a quiet
 * one, at the first sweep after that); a task that lives longer stops collecting usage, as spans
 * that never end stop being counted.
 */
export class TaskUsageTracker {
  private readonly byId = new SpanEntryTable<Entry>();
  /**
   * The last model call with counts per slot, as its task (`undefined`: the slot is empty) and
   * its number there, to find a call seen in two tasks. A number, not a copy of the call: the
   * copy was 13 stores per model call into an old object (-1 to -19 ns per model call inside a
   * task, bench (a), two same-run comparisons of 200 reps).
   */
  private readonly recentTasks = new Array<TaskCalls | undefined>(RECENT_SLOTS).fill(undefined);
  private readonly recentIndex = new Array<number>(RECENT_SLOTS).fill(0);
  private readonly recentInActive = new Array<boolean>(RECENT_SLOTS).fill(false);
  /** Spans that became tasks through `autoTasks` and have not been asked for at their end. */
  private autoTaskSpans = new WeakSet<object>();
  /** How many spans {@link autoTaskSpans} holds (a span that never ends stays counted). */
  private openAutoTasks = 0;
  /** Chunks that tasks keep their calls' numbers in until they are converted (or forgotten). */
  private readonly chunks = new ChunkPool();
  /**
   * The span being ended, read into this in place and copied out by `TaskCalls.add`: a fresh
   * model call and call record per span were 180 B of garbage per model call inside a task, the
   * largest part of its cost in young-generation collections (bench (a), heap sampling).
   */
  private readonly call = callFields();
  private readonly autoTasks: boolean;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private live = 0;
  /** Task spans started and not ended (nor forgotten). */
  private tasksLive = 0;
  /**
   * Whether two tasks have been live at once since no tracked span was last live. Only then can
   * one model call be seen in two tasks (its two spans overlap, each under a live task; the later
   * may end after both tasks, as LangChain's background callbacks do), so only then does a span's
   * start compare its parent context with the active one, and a call's end look for its twin (see
   * {@link countedElsewhere}): -80 to -170 ns per model-call span inside the only live task, with
   * the entry held apart in `SpanEntryTable` (bench (a), same-run comparison of 400 reps).
   */
  private manyTasks = false;
  private lastId: string | undefined;
  private lastEntry: Entry | undefined;
  /** A parent id found untracked; it stays so, as whether a span is tracked is settled at start. */
  private lastMissId: string | undefined;
  private generation = 0;
  private generationStart: number;
  private sweepCountdown = SWEEP_EVERY;
  private droppedCount = 0;
  private evictedCount = 0;
  private silentTaskCount = 0;

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

  /** Entries kept now (live tracked spans, and ended ones with a live tracked child); 0 once all ended. */
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

  /** Chunks of call numbers lent to tasks and not given back yet (once converted or forgotten). */
  get borrowedChunks(): number {
    return this.chunks.lentChunks;
  }

  /** Tasks that ended with model calls beneath them, none of which carried token counts. */
  get tasksWithoutUsage(): number {
    return this.silentTaskCount;
  }

  /**
   * Whether `span` became a task through `autoTasks`; asked once, as it ends, and forgotten then.
   * While none is open, no span is looked up: with `autoTasks` on every span of the host ends
   * through here.
   */
  takeAutoTask(span: object): boolean {
    if (this.openAutoTasks === 0 || !this.autoTaskSpans.delete(span)) return false;
    this.openAutoTasks--;
    return true;
  }

  /**
   * Starts tracking `span` if it is a task, a tracked span's child, or an auto task; `isTask`:
   * whether it has `mosaic.task.type`. The parent span id decides; the parent context only tells
   * whether the span started in the active context. Every read of the span comes before any change here, so a span that throws on a
   * read leaves nothing behind.
   */
  onStart(
    span: ReadableSpanLike,
    parentContext?: Context,
    isTask = span.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined,
  ): void {
    // Nothing is tracked, so no parent can be: a span that is no task starts tracking only as an
    // auto task. With `autoTasks` on, every span of the host comes here, most of them children of
    // spans in no task: no parent id read or looked up, no span context, and at its end no set
    // looked up (see `takeAutoTask`): -6 to -30 ns per such span, bench (a)'s autoTasks row,
    // four same-run comparisons.
    if (this.live === 0 && !isTask) {
      if (this.autoTasks && isAgentRoot(span)) this.addAutoTask(span, span.spanContext());
      return;
    }
    if (--this.sweepCountdown <= 0) this.sweep();
    const parentId = parentIdOf(span);
    let parent: Entry | undefined;
    if (parentId !== undefined && parentId !== this.lastMissId) {
      parent = this.find(parentId);
      if (parent === undefined) this.lastMissId = parentId;
    }
    // Outside any task: nothing more to read (the common case while a task is live elsewhere).
    if (parent === undefined && !isTask && !this.autoTasks) return;
    const spanContext = span.spanContext();
    if (parent === undefined || parent.ended || parent.traceId !== spanContext.traceId) {
      if (isTask) this.addTask(span, spanContext.spanId, spanContext.traceId, undefined);
      else if (this.autoTasks && isAgentRoot(span)) this.addAutoTask(span, spanContext);
      return;
    }
    if (isTask) {
      this.addTask(span, spanContext.spanId, spanContext.traceId, parent);
      return;
    }
    const modelAtStart = span.attributes['llm.model_name'];
    if (this.isFull()) return;
    this.add({
      span,
      id: spanContext.spanId,
      traceId: spanContext.traceId,
      task: parent.task,
      parent,
      role:
        this.manyTasks && parentContext !== undefined && parentContext === context.active()
          ? ACTIVE
          : OTHER,
      modelAtStart,
      generation: this.generation,
      children: 0,
      hadChildren: false,
      ended: false,
      evicted: false,
    });
  }

  /**
   * Stops tracking `span`; when it is a model call beneath a task, records it for the task's fold;
   * when it is a task, folds the task's calls into the store. `isTask`: whether it has
   * `mosaic.task.type` now (`true` when that could not be read: the span is then looked up).
   */
  onEnd(
    span: ReadableSpanLike,
    isTask = span.attributes[ATTR_MOSAIC_TASK_TYPE] !== undefined,
  ): void {
    // The span started last mostly ends next: its entry is found by the span object, unread (its
    // parent id, span context and id hash cost 10-65 ns per tracked span, bench (a) tool row).
    const last = this.byId.lastAdded;
    if (last !== undefined && last.span === span) {
      this.end(span, last, isTask);
      return;
    }
    if (!isTask && !this.autoTasks) {
      // A tracked span's parent is a task or tracked (live, or ended and kept for this child).
      const parentId = parentIdOf(span);
      if (parentId === undefined || parentId === this.lastMissId) return;
    }
    this.end(span, this.ownEntry(span), isTask);
  }

  /**
   * Stops tracking `span` after a read of it threw in `onEnd` (host code broke it after it
   * started): finds its entry without reading attributes and ends it, folding nothing of its own.
   */
  onUnreadableEnd(span: ReadableSpanLike): void {
    this.end(span, this.ownEntry(span), true);
  }

  private end(span: ReadableSpanLike, own: Entry | undefined, isTask: boolean): void {
    if (own === undefined || own.ended || own.evicted) return;
    // Read the span before any change: a read that throws leaves the entry for onUnreadableEnd.
    const call = own.role === TASK || isTask ? undefined : this.callOf(span, own);
    const parent = own.parent;
    const task = own.task;
    own.ended = true;
    this.live--;
    if (own.role === TASK) this.tasksLive--;
    if (own.children === 0) this.forget(own);
    if (parent !== undefined && --parent.children === 0 && parent.ended) this.forget(parent);
    if (task !== undefined) {
      if (own.role === TASK) this.endTask(task);
      else if (
        call !== undefined &&
        !(this.manyTasks && this.countedElsewhere(call, task, own.role === ACTIVE))
      ) {
        task.add(call);
      }
    }
    // After the last tracked span's own look for its twin.
    if (this.live === 0) this.manyTasks = false;
  }

  /**
   * Whether `call` is a call that another live task already counts, seen by a second layer in
   * this task's trace (a framework that parents its runs in another task's trace, as LangChain's
   * background callbacks do under `Promise.all`). The call counts once, in the task of the inner
   * of the two spans: the one started in the active context (the provider SDK's span, made in the
   * caller's async context, where a framework's tracer builds its span's parent context itself),
   * else the one that ended first (the SDK's span ends as the call returns, the framework's run
   * after it); when `call` is the inner one the other task stops counting its twin.
   * Looks only at the last call of the same counts (a table of {@link RECENT_SLOTS} slots, no
   * clock; a call is read back from its task only when the slot holds another task's), so it
   * costs a few compares per call and holds a few dozen calls. Asked only while `manyTasks`.
   */
  private countedElsewhere(call: FoldableCall, task: TaskCalls, inActive: boolean): boolean {
    const input = call.inputTokens;
    const output = call.outputTokens;
    if (input === undefined && output === undefined) return false;
    const slot = (Math.imul((input ?? 0) + 1, 0x9e3779b1) ^ (output ?? 0)) & (RECENT_SLOTS - 1);
    const otherTask = this.recentTasks[slot];
    const other =
      otherTask === undefined || otherTask === task
        ? undefined
        : otherTask.callAt(this.recentIndex[slot] as number);
    if (
      other === undefined ||
      other.traceId === call.traceId ||
      !isOneCallOfTwoLayers(call, other)
    ) {
      // `call` is added to `task` next, as its call number `task.size`.
      this.recentTasks[slot] = task;
      this.recentIndex[slot] = task.size;
      this.recentInActive[slot] = inActive;
      return false;
    }
    const otherInActive = this.recentInActive[slot] === true;
    // One pair per call: neither waits for a third.
    this.recentTasks[slot] = undefined;
    const inner =
      inActive !== otherInActive
        ? inActive
        : call.endTimeMs < other.endTimeMs ||
          (call.endTimeMs === other.endTimeMs && call.startTimeMs > other.startTimeMs);
    if (!inner) return true;
    (otherTask as TaskCalls).exclude(this.recentIndex[slot] as number);
    return false;
  }

  /**
   * `span` as a call for its task's fold when it is a model call (not a wrapper or embedding),
   * read into `this.call` (valid until the next span is read).
   */
  private callOf(span: ReadableSpanLike, own: Entry): FoldableCall | undefined {
    const call = this.call;
    if (!readModelCallInto(span, call, own.modelAtStart) || call.kind !== 'call') return undefined;
    let ancestorIds: readonly string[] = NO_ANCESTORS;
    if (own.parent !== undefined && own.parent.role !== TASK) {
      const ids: string[] = [];
      let p: Entry | undefined = own.parent;
      while (p !== undefined && p.role !== TASK) {
        ids.push(p.id);
        p = p.parent;
      }
      ancestorIds = ids;
    }
    const scope =
      span.instrumentationScope?.name ??
      (span as { instrumentationLibrary?: { name?: string } }).instrumentationLibrary?.name;
    call.traceId = own.traceId;
    // The fold reads a call's span id only to find it among other calls' ancestors, which are
    // spans that had children: a task keeping each leaf call's id string until it ended made
    // every young-generation collection copy them (about -90 ns per model call inside a task
    // without them, collections timed).
    call.spanId = own.hadChildren ? own.id : '';
    call.ancestorIds = ancestorIds;
    call.layer = typeof scope === 'string' && scope !== '' ? scope : call.dialect;
    call.startTimeMs = hrTimeToMillis(span.startTime);
    call.endTimeMs = hrTimeToMillis(span.endTime);
    return call;
  }

  /**
   * The entry of `span`, by its id; when its span context cannot be read any more (host code
   * broke the span after it started), by the span object, so the entry never stays behind.
   */
  private ownEntry(span: ReadableSpanLike): Entry | undefined {
    let id: string;
    try {
      id = span.spanContext().spanId;
    } catch {
      return this.byId.findBySpan(span);
    }
    return this.byId.get(id);
  }
  /** Forgets every live span (on shutdown). */
  clear(): void {
    this.byId.clear();
    this.recentTasks.fill(undefined);
    this.lastId = undefined;
    this.lastMissId = undefined;
    this.live = 0;
    this.tasksLive = 0;
    this.manyTasks = false;
    this.autoTaskSpans = new WeakSet();
    this.openAutoTasks = 0;
  }

  /** Makes `span`, an agent root that no task encloses, a task of its own (see `takeAutoTask`). */
  private addAutoTask(span: ReadableSpanLike, spanContext: SpanContext): void {
    if (!this.addTask(span, spanContext.spanId, spanContext.traceId, undefined)) return;
    this.autoTaskSpans.add(span);
    this.openAutoTasks++;
  }

  /** Makes `span` a task (under `parent` when nested); false when the tracker is full. */
  private addTask(
    span: ReadableSpanLike,
    id: string,
    traceId: string,
    parent: Entry | undefined,
  ): boolean {
    if (this.isFull()) return false;
    if (++this.tasksLive >= 2) this.manyTasks = true;
    this.add({
      span,
      id,
      traceId,
      task: taskCalls(span, this.chunks),
      parent,
      role: TASK,
      modelAtStart: undefined,
      generation: this.generation,
      children: 0,
      hadChildren: false,
      ended: false,
      evicted: false,
    });
    return true;
  }

  private add(entry: Entry): void {
    if (entry.parent !== undefined) {
      entry.parent.children++;
      entry.parent.hadChildren = true;
    }
    this.live++;
    this.byId.add(entry);
  }

  /** Folds a task's calls into the store as it ends; notes a task whose calls had no usage. */
  private endTask(task: TaskCalls): void {
    const usage = task.end(this.store);
    if (usage !== undefined && usage.calls === 0 && task.size > 0) {
      if (this.silentTaskCount++ === 0) {
        logger.debug(
          'a task ended with model-call spans beneath it that carry no token counts, so its tokens are 0 (the instrumentation reported no usage, e.g. for streamed calls)',
        );
      }
    }
  }

  /**
   * The entry of the span with id `id`. The last one found is remembered: siblings share a parent
   * and mostly start and end one after another, so a string compare often saves a map lookup.
   */
  private find(id: string): Entry | undefined {
    if (id === this.lastId) return this.lastEntry;
    const entry = this.byId.get(id);
    if (entry !== undefined && !entry.evicted) {
      this.lastId = id;
      this.lastEntry = entry;
    }
    return entry;
  }

  /** Lets go of an entry that ended with no live tracked child. */
  private forget(entry: Entry): void {
    if (entry.evicted) return;
    if (entry === this.lastEntry) {
      this.lastId = undefined;
      this.lastEntry = undefined;
    }
    this.byId.release(entry);
    // A let-go entry may wait in the map for a compaction: it must not keep its span, or its
    // task's calls, alive till then.
    entry.span = undefined;
    entry.task = undefined;
    entry.parent = undefined;
  }
  /** Whether no more spans may be tracked (after evicting aged ones); counts the one refused. */
  private isFull(): boolean {
    if (this.live < this.maxEntries) return false;
    this.sweep();
    if (this.live < this.maxEntries) return false;
    if (this.droppedCount++ === 0) {
      logger.warn(
        `task usage tracking is full (${this.maxEntries} live spans): usage of spans started beyond it is not folded into their task`,
      );
    }
    return true;
  }

  /**
   * Begins a new generation once the current one is `maxAgeMs` old, then forgets the entries
   * made in the one before last and every entry beneath them.
   */
  private sweep(): void {
    this.sweepCountdown = SWEEP_EVERY;
    const now = this.now();
    if (now - this.generationStart < this.maxAgeMs) return;
    this.generation++;
    this.generationStart = now;
    this.lastId = undefined;
    const gone = this.byId.evict(this.generation - 2, (entry) => {
      if (entry.role !== TASK) return;
      this.tasksLive--;
      entry.task?.release();
    });
    this.live -= gone;
    this.evictedCount += gone;
    if (this.live === 0) this.manyTasks = false;
  }
}

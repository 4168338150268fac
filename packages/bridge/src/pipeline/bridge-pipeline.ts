import { BoundedMap } from '../model/bounded-map.js';
import { logger, type SpanRecord, type TaskDelivery } from '../model/exporter-core.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import type { TaskDraft } from '../model/task-draft.js';
import type { TraceView } from '../model/trace-view.js';
import {
  awaitedData,
  completesTask,
  createLogReaders,
  INCOMPLETE_TASK_COUNTERS,
  keyedRequestOf,
  type LogReader,
  SOURCE_OF_KEYED,
  SPAN_FILTER,
  TRACE_TASK_READERS,
} from '../sources/index.js';
import { sumRequests } from '../sources/sum-requests.js';
import { activityOutcome } from '../tasks/activity-outcome.js';
import { buildTaskRecord } from '../tasks/build-task-record.js';
import { findTraceTasks } from '../tasks/find-trace-tasks.js';
import type { KeyedTask } from '../tasks/keyed-task.js';
import { KeyedTasks } from '../tasks/keyed-tasks.js';
import { OpenTraces } from '../tasks/open-traces.js';
import { syntheticIds } from '../tasks/synthetic-ids.js';
import type { BridgeDefaults } from '../types.js';
import type { BridgeLimits } from './bridge-limits.js';
import type { BridgeStatsCounter } from './bridge-stats-counter.js';

/** Options of a {@link BridgePipeline}. */
export interface BridgePipelineOptions {
  readonly delivery: TaskDelivery;
  readonly taskIdleMs: number;
  readonly defaults: BridgeDefaults;
  readonly stats: BridgeStatsCounter;
  readonly limits: BridgeLimits;
  /** Wall clock in ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * From decoded records to delivered task events: routes spans to open traces or keyed tasks and
 * log records to keyed tasks, closes them when due (a timer), asks the sources (`SOURCES`, in
 * precedence order) for the tasks and hands each task once to delivery. Synchronous per request; never throws into the receiver.
 */
export class BridgePipeline {
  private readonly traces: OpenTraces;
  private readonly keyed: KeyedTasks;
  private readonly costs = new BoundedMap<string, number>(10_000);
  private readonly logReaders: ReadonlyMap<string, LogReader> = createLogReaders();
  /** Keys traced tasks reported (`TaskDraft.covers`), so log-derived reports of them are not. */
  private readonly reportedKeys = new BoundedMap<string, true>(100_000);
  private readonly reported: BoundedMap<string, true>;
  private readonly limits: BridgeLimits;
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private backlog = 0;
  private closed = false;
  /** Whether an incomplete task was logged yet (the first only; `tasksIncomplete` counts them all). */
  private incompleteLogged = false;
  /** What was said of sources that export no usage (each once). */
  private readonly noUsageSaid = new Set<string>();

  constructor(private readonly options: BridgePipelineOptions) {
    this.now = options.now ?? Date.now;
    const limits = options.limits;
    this.limits = limits;
    this.reported = new BoundedMap(limits.reportedIdsRemembered);
    const settleMs = Math.min(limits.traceSettleMs, options.taskIdleMs);
    this.traces = new OpenTraces(
      {
        maxTraces: limits.maxOpenTraces,
        settleMs,
        idleMs: options.taskIdleMs,
        maxAgeMs: limits.maxTaskAgeMs,
      },
      { isRelevantSpan: SPAN_FILTER.isRelevantSpan, completesTask, awaitedData },
    );
    this.keyed = new KeyedTasks(limits.maxOpenKeyedTasks, options.taskIdleMs, limits.maxTaskAgeMs);
    const tickMs = Math.max(20, Math.min(1000, Math.floor(settleMs / 2)));
    this.timer = setInterval(() => this.closeDue(), tickMs);
    this.timer.unref();
  }

  /** Why new records cannot be taken now (the sender should retry later), or undefined. */
  get refusal(): string | undefined {
    if (this.closed) return 'the bridge is shutting down';
    if (this.traces.entries + this.keyed.entries >= this.limits.maxPendingRecords) {
      return 'too many pending records';
    }
    if (this.backlog >= this.limits.maxDeliveryBacklog) return 'delivery backlog is full';
    return undefined;
  }

  get openTasks(): number {
    return this.traces.size + this.keyed.size;
  }

  get pendingRecords(): number {
    return this.traces.entries + this.keyed.entries;
  }

  /** Which spans the sources read, for `decodeSpans`. */
  readonly spanFilter = SPAN_FILTER;

  /** Spans, and parent links of spans no source reads (see `decodeSpans`). */
  ingestSpans(spans: readonly SpanRecord[], links: readonly string[] = []): void {
    const now = this.now();
    const traced: SpanRecord[] = [];
    for (const span of spans) {
      const keyed = keyedRequestOf(span);
      if (keyed !== undefined) this.addKeyed(keyed, now);
      else traced.push(span);
    }
    const evicted = this.traces.add(traced, links, now);
    if (evicted.length > 0) {
      this.options.stats.dropped.tasksClosedEarly += evicted.length;
      this.report(evicted.flatMap((t) => this.traceDrafts(t)));
    }
  }

  ingestLogs(logs: readonly LogRecordLike[]): void {
    const now = this.now();
    for (const log of logs) {
      const read = log.eventName === undefined ? undefined : this.logReaders.get(log.eventName);
      const reading = read?.(log);
      if (reading === undefined) continue;
      if (reading.costOf !== undefined) {
        this.costs.set(reading.costOf.requestId, reading.costOf.micros);
      }
      if (reading.request !== undefined) this.addKeyed(reading.request, now);
    }
  }

  /** Closes what is due now and reports its tasks (the timer calls this). */
  closeDue(): void {
    const now = this.now();
    const drafts = this.traces.takeDue(now).flatMap((t) => this.traceDrafts(t));
    for (const task of this.keyed.takeDue(now)) {
      const draft = this.keyedDraft(task);
      if (draft !== undefined) drafts.push(draft);
    }
    this.report(drafts);
  }

  /** Stops the timer, closes every open task, delivers everything. Never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const drafts = this.traces.takeAll().flatMap((t) => this.traceDrafts(t));
    for (const task of this.keyed.takeAll()) {
      const draft = this.keyedDraft(task);
      if (draft !== undefined) drafts.push(draft);
    }
    this.report(drafts);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.options.delivery.shutdown();
  }

  private addKeyed(request: KeyedRequest, now: number): void {
    const evicted = this.keyed.add(request, now);
    if (evicted === undefined) return;
    this.options.stats.dropped.tasksClosedEarly++;
    const draft = this.keyedDraft(evicted);
    if (draft !== undefined) this.report([draft]);
  }

  private traceDrafts(trace: TraceView): TaskDraft[] {
    const drafts: TaskDraft[] = [];
    const found = findTraceTasks(
      trace,
      TRACE_TASK_READERS,
      (id) => this.costs.get(id),
      INCOMPLETE_TASK_COUNTERS,
    );
    for (const task of found.tasks) {
      for (const key of task.draft.covers ?? []) this.reportedKeys.set(key, true);
      if (task.activities === undefined) {
        drafts.push(task.draft);
        continue;
      }
      const outcome = activityOutcome(task.activities);
      drafts.push({
        ...task.draft,
        gates: task.draft.gates ?? outcome.gates,
        language: task.draft.language ?? outcome.language,
      });
    }
    if (found.incomplete > 0) {
      this.options.stats.tasksIncomplete += found.incomplete;
      if (!this.incompleteLogged) {
        this.incompleteLogged = true;
        logger.debug(
          'a trace closed with model calls of a task whose end never arrived (not reported; stats.tasksIncomplete counts such tasks; this is logged once)',
        );
      }
    }
    return drafts;
  }

  private keyedDraft(task: KeyedTask): TaskDraft | undefined {
    const requests = [...task.requests()];
    // Tool records alone (their model requests' records lost) are no task.
    if (requests.length === 0) return undefined;
    const totals = sumRequests(requests);
    const covered = SOURCE_OF_KEYED.get(task.source)?.isCovered?.(task.coverKeys, (key) =>
      this.reportedKeys.has(key),
    );
    if (covered === true) {
      this.options.stats.dropped.coveredByTraces++;
      return undefined;
    }
    const ids = syntheticIds(task.source, task.sessionId, task.promptId);
    const outcome = activityOutcome(task.activities.values());
    return {
      ...ids,
      source: task.source,
      startMs: totals.startMs,
      endMs: totals.endMs,
      resourceAttributes: task.resourceAttributes,
      usage: totals.usage,
      costMicros: totals.costMicros,
      uncosted: totals.uncosted,
      gates: outcome.gates,
      language: outcome.language,
      failed: totals.lastFailed,
    };
  }

  /** Counts a task whose source exports no usage, and says why once per source. */
  private noUsage(why: string): void {
    this.options.stats.tasksWithoutUsage++;
    if (this.noUsageSaid.has(why)) return;
    this.noUsageSaid.add(why);
    logger.warn(`${why} (stats.tasksWithoutUsage counts such tasks; said once)`);
  }

  private report(drafts: readonly TaskDraft[]): void {
    const fresh = [];
    for (const draft of drafts) {
      const id = `${draft.traceId}${draft.spanId}`;
      if (this.reported.has(id)) {
        this.options.stats.dropped.duplicateTasks++;
        continue;
      }
      this.reported.set(id, true);
      if (draft.uncosted === true) this.options.stats.tasksUncosted++;
      if (draft.noUsage !== undefined) this.noUsage(draft.noUsage);
      fresh.push(buildTaskRecord(draft, this.options.defaults));
    }
    if (fresh.length === 0) return;
    this.options.stats.tasksReported += fresh.length;
    this.backlog += fresh.length;
    const delivered = this.options.delivery.deliver(fresh).finally(() => {
      this.backlog -= fresh.length;
      this.pending.delete(delivered);
    });
    this.pending.add(delivered);
  }
}

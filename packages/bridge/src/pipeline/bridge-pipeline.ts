import { reduceSpanText } from '../decode/reduce-span-text.js';
import { BoundedMap } from '../model/bounded-map.js';
import { logger, type TaskDelivery } from '../model/exporter-core.js';
import type { HeldSpan } from '../model/held-span.js';
import { type KeyedRequest, keyOf } from '../model/keyed-request.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import type { MetricPoint } from '../model/metric-point.js';
import { senderSession, sessionCoverKey } from '../model/sender-session.js';
import { syntheticIds } from '../model/synthetic-ids.js';
import type { TaskDraft } from '../model/task-draft.js';
import type { TraceTask } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import {
  awaitedData,
  completesTask,
  createLogReaders,
  INCOMPLETE_TASK_COUNTERS,
  keyedRequestOf,
  type LogReader,
  METRIC_FILTER,
  METRIC_READERS,
  SOURCE_OF_KEYED,
  SPAN_FILTER,
  TRACE_TASK_READERS,
} from '../sources/index.js';
import { MetricTaskReader } from '../sources/metric-task-reader.js';
import { sumRequests } from '../sources/sum-requests.js';
import { MEMORY_SPOOL } from '../spool/memory-spool.js';
import type { TaskSpool } from '../spool/task-spool.js';
import { activityOutcome } from '../tasks/activity-outcome.js';
import { AwaitingLogs } from '../tasks/awaiting-logs.js';
import { type FoundTraceTasks, findTraceTasks } from '../tasks/find-trace-tasks.js';
import { joinedDraft } from '../tasks/joined-draft.js';
import type { KeyedTask } from '../tasks/keyed-task.js';
import { KeyedTasks } from '../tasks/keyed-tasks.js';
import { OpenTraces } from '../tasks/open-traces.js';
import type { BridgeDefaults } from '../types.js';
import type { BridgeLimits } from './bridge-limits.js';
import type { BridgeStatsCounter } from './bridge-stats-counter.js';
import { SpoolResender } from './spool-resender.js';
import { TaskReporter } from './task-reporter.js';

/** Why the records of a request were not taken: the status to answer (with Retry-After) and why. */
export interface BudgetRefusal {
  readonly status: 429 | 503;
  readonly reason: string;
}

/** Options of a {@link BridgePipeline}. */
export interface BridgePipelineOptions {
  readonly delivery: TaskDelivery;
  readonly taskIdleMs: number;
  readonly defaults: BridgeDefaults;
  readonly stats: BridgeStatsCounter;
  readonly limits: BridgeLimits;
  /** Where what the pipeline holds is kept across restarts. @default MEMORY_SPOOL (nothing kept) */
  readonly spool?: TaskSpool;
  /** Wall clock in ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * From decoded records to delivered task events: routes spans to open traces or keyed tasks and
 * log records to keyed tasks, closes them when due (a timer), asks the sources (`SOURCES`, in
 * precedence order) for the tasks and hands them to a {@link TaskReporter}, which reports each
 * once. Synchronous per request; never throws into the receiver.
 */
export class BridgePipeline {
  private readonly traces: OpenTraces;
  private readonly keyed: KeyedTasks;
  /** Traced tasks waiting for the log records of the same task (`TaskDraft.covers`). */
  private readonly awaiting: AwaitingLogs;
  /** The trace each waiting or joined traced task came from, kept in the spool until reported. */
  private readonly originTrace = new Map<TaskDraft, string>();
  private readonly costs = new BoundedMap<string, number>(10_000);
  /**
   * The ids of keyed tasks closed early (over `maxOpenKeyedTasks` or `maxTaskBytes`): what their
   * key brings later opens a task of the same event id, not a second task (for sources whose ids
   * derive from the task's first request, that request is gone with the first part).
   */
  private readonly closedEarlyIds = new BoundedMap<string, { traceId: string; spanId: string }>(
    10_000,
  );
  private readonly logReaders: ReadonlyMap<string, LogReader> = createLogReaders();
  /** Sender sessions that spans or logs made a task of (`sessionCoverKey`), for metrics tasks. */
  private readonly taskSessions = new BoundedMap<string, true>(100_000);
  private readonly metrics: MetricTaskReader;
  /** Reports each task once and counts the tasks in delivery. */
  private readonly reporter: TaskReporter;
  private readonly limits: BridgeLimits;
  private readonly now: () => number;
  private readonly spool: TaskSpool;
  private readonly timer: NodeJS.Timeout;
  /** Sends again what the spool holds undelivered; none for the memory spool. */
  private readonly resender: SpoolResender | undefined;
  private closed = false;
  /** Whether an incomplete task was logged yet (the first only; `tasksIncomplete` counts them all). */
  private incompleteLogged = false;

  constructor(private readonly options: BridgePipelineOptions) {
    this.now = options.now ?? Date.now;
    this.spool = options.spool ?? MEMORY_SPOOL;
    const limits = options.limits;
    this.limits = limits;
    this.reporter = new TaskReporter({
      delivery: options.delivery,
      spool: this.spool,
      stats: options.stats,
      defaults: options.defaults,
      reportedIdsRemembered: limits.reportedIdsRemembered,
    });
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
    this.keyed = new KeyedTasks(
      limits.maxOpenKeyedTasks,
      options.taskIdleMs,
      limits.maxTaskAgeMs,
      limits.maxTaskBytes,
    );
    this.awaiting = new AwaitingLogs(options.taskIdleMs, limits.maxOpenTraces);
    this.metrics = new MetricTaskReader(METRIC_READERS, {
      idleMs: options.taskIdleMs,
      maxAgeMs: limits.maxTaskAgeMs,
      maxStreams: limits.maxMetricStreams,
      maxSessions: limits.maxOpenKeyedTasks,
      onStreamState: (stream, state) => this.spool.keepStream(stream, state),
    });
    const tickMs = Math.max(20, Math.min(1000, Math.floor(settleMs / 2)));
    this.timer = setInterval(() => this.closeDue(), tickMs);
    this.timer.unref();
    this.resender =
      this.spool === MEMORY_SPOOL || !options.delivery.enabled
        ? undefined
        : new SpoolResender({
            spool: this.spool,
            delivery: options.delivery,
            send: (events) => this.reporter.send(events, events.length),
            busy: () => this.reporter.busy,
            room: () => limits.maxDeliveryBacklog - this.reporter.backlog,
            resent: (count) => {
              options.stats.spoolResent += count;
            },
            intervalMs: limits.spoolResendMs,
            batchSize: limits.spoolResendBatch,
          });
  }

  /** Why new records cannot be taken now (the sender should retry later), or undefined. */
  get refusal(): string | undefined {
    if (this.closed) return 'the bridge is shutting down';
    if (this.pendingRecords >= this.limits.maxPendingRecords) {
      return 'too many pending records';
    }
    if (this.reporter.backlog >= this.limits.maxDeliveryBacklog) return 'delivery backlog is full';
    if (this.heldBytes >= this.limits.maxHeldBytes) {
      return `the open tasks hold their budget of ${this.limits.maxHeldBytes} bytes`;
    }
    return this.spool.refusal;
  }

  /** Bytes the open tasks hold, estimated as records are kept. */
  get heldBytes(): number {
    return this.traces.bytes + this.keyed.bytes;
  }

  get openTasks(): number {
    return this.traces.size + this.keyed.size + this.awaiting.size;
  }

  get pendingRecords(): number {
    return this.traces.entries + this.keyed.entries + this.awaiting.size;
  }

  /** Which spans the sources read, for `decodeSpans`. */
  readonly spanFilter = SPAN_FILTER;

  /**
   * Spans, and parent links of spans no source reads (see `decodeSpans`); or none of them, and why
   * (429: a trace would pass `maxTaskBytes`; 503: the open tasks would pass `maxHeldBytes`).
   */
  ingestSpans(
    spans: readonly HeldSpan[],
    links: readonly string[] = [],
  ): BudgetRefusal | undefined {
    const traced: HeldSpan[] = [];
    const keyed: KeyedRequest[] = [];
    for (const span of spans) {
      const request = keyedRequestOf(span);
      if (request !== undefined) keyed.push(request);
      else traced.push(span);
    }
    const adding = this.traces.bytesToAdd(traced, links);
    if (adding.largestTrace > this.limits.maxTaskBytes) {
      return {
        status: 429,
        reason: `a trace would hold more than ${this.limits.maxTaskBytes} bytes: retry later`,
      };
    }
    if (this.heldBytes + adding.total > this.limits.maxHeldBytes) {
      return {
        status: 503,
        reason: `the open tasks would hold more than ${this.limits.maxHeldBytes} bytes: retry later`,
      };
    }
    this.spool.atomically(() => {
      const now = this.now();
      for (const request of keyed) this.addKeyed(request, now);
      this.spool.keepSpans(traced, links, now);
      this.holdSpans(traced, links, now);
    });
    return undefined;
  }

  ingestLogs(logs: readonly LogRecordLike[]): void {
    this.spool.atomically(() => {
      const now = this.now();
      for (const log of logs) {
        const read = log.eventName === undefined ? undefined : this.logReaders.get(log.eventName);
        const reading = read?.(log);
        if (reading === undefined) continue;
        if (reading.costOf !== undefined) {
          this.costs.set(reading.costOf.requestId, reading.costOf.micros);
          this.spool.keepCost(reading.costOf.requestId, reading.costOf.micros);
        }
        if (reading.request !== undefined) this.addKeyed(reading.request, now);
      }
    });
  }

  /** Rebuilds the open tasks the spool holds and resends its undelivered events, at start. */
  restore(): void {
    const state = this.spool.load();
    for (const [requestId, micros] of state.costs) this.costs.set(requestId, micros);
    this.reporter.rememberKeys(state.covered);
    this.spool.atomically(() => {
      const now = this.now();
      // A span an earlier version spooled with its tool text is reduced now, as decoding would.
      for (const row of state.traces) {
        const spans = row.spans.map((span) => reduceSpanText(span, SPAN_FILTER));
        // Its idle and settle times start again; its age (`maxTaskAgeMs`) goes on.
        this.holdSpans(spans, row.links, now, row.atMs);
      }
      for (const request of state.keyed) this.holdKeyed(request, now);
      this.metrics.restore(state.streams, state.keyed, now);
    });
    if (state.events.length > 0) void this.reporter.send(state.events, state.events.length);
  }

  /** Which metric data points the sources read, for `decodeMetricPoints`. */
  readonly metricFilter = METRIC_FILTER;

  /** Metric data points: each counted delta is a request of its sender session's task. */
  ingestMetrics(points: readonly MetricPoint[]): void {
    this.spool.atomically(() => {
      const now = this.now();
      for (const point of points) {
        const request = this.metrics.read(point, now);
        if (request !== undefined) this.addKeyed(request, now);
      }
    });
  }

  /** Closes what is due now and reports its tasks (the timer calls this). */
  closeDue(): void {
    try {
      this.spool.atomically(() => {
        const now = this.now();
        const drafts = this.traces.takeDue(now).flatMap((t) => this.traceDrafts(t, now));
        for (const task of this.keyed.takeDue(now)) {
          const draft = this.keyedDraft(task);
          if (draft !== undefined) drafts.push(draft);
        }
        drafts.push(...this.takeAwaited(this.awaiting.takeDue(now)));
        this.reporter.report(drafts);
      });
    } catch (error) {
      // The closed tasks' records stay in the spool: a restart reports them again, same ids.
      logger.error(
        `the spool could not be written: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
  }

  /**
   * Stops the timer, reports what is finished and delivers everything; never rejects. In memory
   * every open task closes. With a spool on disk, a task that may still grow stays in it, as a
   * kill -9 would leave it, and goes on at the next start: a trace with a task whose end has not
   * come or whose totals are awaited, and a task keyed by prompt or session that no trace joined
   * or reported. Closing those would report part of a task that goes on across a restart, and
   * drop the part of a trace that came before it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.resender?.stop();
    const keepOpen = this.spool !== MEMORY_SPOOL;
    try {
      this.spool.atomically(() => {
        const now = this.now();
        let kept = 0;
        const drafts: TaskDraft[] = [];
        for (const trace of this.traces.takeAll()) {
          const found = this.tasksOf(trace);
          // Its records stay spooled: the next start rebuilds the trace from them.
          if (
            keepOpen &&
            (trace.awaitsTotals || found.incomplete > 0 || found.tasks.length === 0)
          ) {
            kept++;
            continue;
          }
          drafts.push(...this.traceDrafts(trace, now, found));
        }
        for (const task of this.keyed.takeAll()) {
          const covered = keepOpen && task.traced === undefined ? this.isCovered(task) : undefined;
          if (covered === false) {
            kept++;
            continue;
          }
          const draft = this.keyedDraft(task, covered);
          if (draft !== undefined) drafts.push(draft);
        }
        drafts.push(...this.takeAwaited(this.awaiting.takeAll()));
        this.reporter.report(drafts);
        if (kept > 0) {
          logger.info(`${kept} open tasks stay in the spool and go on at the next start`);
        }
      });
    } catch (error) {
      logger.error(
        `the spool could not be written: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
    await this.reporter.settled();
    await this.options.delivery.shutdown();
  }

  private addKeyed(request: KeyedRequest, now: number): void {
    if (request.from !== 'metrics') {
      this.taskSessions.set(sessionCoverKey(request.sessionId), true);
      this.taskSessions.set(sessionCoverKey(senderSession(request.resourceAttributes)), true);
    }
    this.spool.keepKeyed(keyOf(request), request);
    this.holdKeyed(request, now);
  }

  /**
   * Adds spans and links to the open traces, reporting the traces closed early to make room; a
   * trace they open was first seen at `firstSeenMs` (restored from the spool), else now.
   */
  private holdSpans(
    spans: readonly HeldSpan[],
    links: readonly string[],
    now: number,
    firstSeenMs = now,
  ): void {
    const evicted = this.traces.add(spans, links, now, firstSeenMs);
    if (evicted.length > 0) {
      this.options.stats.dropped.tasksClosedEarly += evicted.length;
      this.reporter.report(evicted.flatMap((t) => this.traceDrafts(t, now)));
    }
  }

  private holdKeyed(request: KeyedRequest, now: number): void {
    const closed = this.keyed.add(request, now);
    const key = request.coverKey;
    if (key !== undefined && this.awaiting.size > 0) {
      const task = this.keyed.withCoverKey(key);
      if (task !== undefined && task.traced === undefined) task.traced = this.awaiting.take(key);
    }
    for (const task of closed) {
      this.options.stats.dropped.tasksClosedEarly++;
      const draft = this.keyedDraft(task);
      if (draft === undefined) continue;
      this.closedEarlyIds.set(keyOf(task), { traceId: draft.traceId, spanId: draft.spanId });
      this.reporter.report([draft]);
    }
  }

  /**
   * The tasks of a closing trace to report now; a task whose log records may add to it (it has
   * `covers`) joins the open log-derived task with one of its keys, or waits for one. The spool
   * forgets the trace's records once none of its tasks waits: a waiting task is rebuilt from
   * them after a restart.
   */
  private traceDrafts(
    trace: TraceView,
    now: number,
    found: FoundTraceTasks = this.tasksOf(trace),
  ): TaskDraft[] {
    const drafts: TaskDraft[] = [];
    let waiting = false;
    for (const task of found.tasks) {
      const draft = this.withToolActivity(task);
      this.taskSessions.set(sessionCoverKey(senderSession(draft.resourceAttributes)), true);
      // Its keys may name its session (Claude Code): that session's metrics task is this one's.
      for (const key of draft.covers ?? []) this.taskSessions.set(key, true);
      if (draft.covers === undefined || draft.covers.length === 0) drafts.push(draft);
      else if (this.reporter.wasReported(draft)) this.options.stats.dropped.duplicateTasks++;
      else {
        this.originTrace.set(draft, trace.traceId);
        waiting = true;
        this.joinOrAwait(draft, now, drafts);
      }
    }
    if (!waiting) this.spool.forgetTrace(trace.traceId);
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

  /** The tasks the sources find in a closing trace, and how many of its tasks never ended. */
  private tasksOf(trace: TraceView): FoundTraceTasks {
    return findTraceTasks(
      trace,
      TRACE_TASK_READERS,
      (id) => this.costs.get(id),
      INCOMPLETE_TASK_COUNTERS,
    );
  }

  /** A traced task's draft with the gates and language of the tool calls its spans carry. */
  private withToolActivity(task: TraceTask): TaskDraft {
    if (task.activities === undefined) return task.draft;
    const outcome = activityOutcome(task.activities);
    return {
      ...task.draft,
      gates: task.draft.gates ?? outcome.gates,
      language: task.draft.language ?? outcome.language,
    };
  }

  /** Traced tasks being reported after waiting for their logs: the spool forgets their traces. */
  private takeAwaited(drafts: TaskDraft[]): TaskDraft[] {
    for (const draft of drafts) {
      const traceId = this.originTrace.get(draft);
      if (traceId === undefined) continue;
      this.originTrace.delete(draft);
      this.spool.forgetTrace(traceId);
    }
    return drafts;
  }

  /** Joins a traced task to the open log-derived task of one of its keys, else lets it wait. */
  private joinOrAwait(draft: TaskDraft, now: number, drafts: TaskDraft[]): void {
    for (const key of draft.covers ?? []) {
      const task = this.keyed.withCoverKey(key);
      if (task !== undefined && task.traced === undefined) {
        task.traced = draft;
        return;
      }
    }
    const evicted = this.awaiting.add(draft, now);
    if (evicted !== undefined) {
      this.options.stats.dropped.tasksClosedEarly++;
      drafts.push(...this.takeAwaited([evicted]));
    }
  }

  /**
   * A closed keyed task's draft (its traced task's, when a trace joined it), or none when traces
   * report it or it holds no model request; `covered`: {@link isCovered} of it, when the caller
   * asked already.
   */
  private keyedDraft(task: KeyedTask, covered?: boolean): TaskDraft | undefined {
    this.spool.forgetKeyed(keyOf(task));
    const requests = [...task.requests()];
    const totals = sumRequests(requests);
    const outcome = activityOutcome(task.activities.values());
    if (task.traced !== undefined) {
      // The log-derived report of a traced task: joined into it, not reported on its own.
      this.options.stats.dropped.coveredByTraces++;
      this.takeAwaited([task.traced]);
      return joinedDraft(task.traced, totals, outcome);
    }
    // Tool records alone (their model requests' records lost) are no task.
    if (requests.length === 0) return undefined;
    const source = SOURCE_OF_KEYED.get(task.source);
    if (covered ?? this.isCovered(task)) {
      if (source?.readMetric === undefined) this.options.stats.dropped.coveredByTraces++;
      else this.options.stats.dropped.coveredMetricTasks++;
      return undefined;
    }
    const ids =
      this.closedEarlyIds.get(keyOf(task)) ??
      source?.keyedTaskIds?.(task.sessionId, task.promptId, requests) ??
      syntheticIds(task.source, task.sessionId, task.promptId);
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
      // A metrics task's key is its sender session: marking it reported would drop the session's next one.
      covers: source?.readMetric === undefined ? [...task.coverKeys] : undefined,
    };
  }

  /** Whether traces (or, for a metrics task, spans or logs of its session) report this task. */
  private isCovered(task: KeyedTask): boolean {
    const covered = SOURCE_OF_KEYED.get(task.source)?.isCovered?.(
      task.coverKeys,
      (key) => this.reporter.hasReportedKey(key) || this.taskSessions.has(key),
    );
    return covered === true;
  }
}

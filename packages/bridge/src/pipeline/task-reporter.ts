import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { BoundedMap } from '../model/bounded-map.js';
import { logger, type TaskDelivery } from '../model/exporter-core.js';
import type { TaskDraft } from '../model/task-draft.js';
import type { TaskSpool } from '../spool/task-spool.js';
import { buildTaskRecord } from '../tasks/build-task-record.js';
import type { BridgeDefaults } from '../types.js';
import type { BridgeStatsCounter } from './bridge-stats-counter.js';

/** The id a task is remembered by as reported: its event id seeds. */
const idOf = (draft: TaskDraft): string => `${draft.traceId}${draft.spanId}`;

/** What a {@link TaskReporter} works with: the pipeline's delivery, spool, stats and defaults. */
export interface TaskReporterOptions {
  readonly delivery: TaskDelivery;
  readonly spool: TaskSpool;
  readonly stats: BridgeStatsCounter;
  readonly defaults: BridgeDefaults;
  /** Event ids of reported tasks remembered, to drop a task reported again. */
  readonly reportedIdsRemembered: number;
}

/**
 * Reports each task once: drops a draft whose event id or cover key was reported already
 * (counted), builds the records of the others, keeps their events in the spool and hands them to
 * delivery, counting the tasks in flight until delivery settles.
 */
export class TaskReporter {
  private readonly reported: BoundedMap<string, true>;
  /** Keys of the traced tasks reported (`TaskDraft.covers`), so log-derived reports of them are not. */
  private readonly reportedKeys = new BoundedMap<string, true>(100_000);
  private readonly pending = new Set<Promise<void>>();
  private inFlight = 0;
  /** What was said of sources that export no usage (each once). */
  private readonly noUsageSaid = new Set<string>();

  constructor(private readonly options: TaskReporterOptions) {
    this.reported = new BoundedMap(options.reportedIdsRemembered);
  }

  /** Tasks handed to delivery whose delivery has not settled (the pipeline's backlog). */
  get backlog(): number {
    return this.inFlight;
  }

  /** Whether a delivery is in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Remembers cover keys reported before a restart (the spool's `covered`). */
  rememberKeys(keys: Iterable<string>): void {
    for (const key of keys) this.reportedKeys.set(key, true);
  }

  /** Whether a task with this cover key was reported. */
  hasReportedKey(key: string): boolean {
    return this.reportedKeys.has(key);
  }

  /** Whether this task, or a report with one of its keys, was reported already. */
  wasReported(draft: TaskDraft): boolean {
    if (this.reported.has(idOf(draft))) return true;
    for (const key of draft.covers ?? []) if (this.reportedKeys.has(key)) return true;
    return false;
  }

  /** Reports the drafts not reported yet; their events are spooled in the caller's write. */
  report(drafts: readonly TaskDraft[]): void {
    const { stats, spool } = this.options;
    const fresh = [];
    for (const draft of drafts) {
      const id = idOf(draft);
      if (this.reported.has(id)) {
        stats.dropped.duplicateTasks++;
        continue;
      }
      this.reported.set(id, true);
      for (const key of draft.covers ?? []) this.reportedKeys.set(key, true);
      if (draft.covers !== undefined) spool.keepCovered(draft.covers);
      if (draft.uncosted === true) stats.tasksUncosted++;
      if (draft.noUsage !== undefined) this.noUsage(draft.noUsage);
      fresh.push(buildTaskRecord(draft, this.options.defaults));
    }
    if (fresh.length === 0) return;
    stats.tasksReported += fresh.length;
    // Kept in the same write that forgets the tasks' records: a crash leaves one or the other.
    const events = this.options.delivery.toEvents(fresh);
    spool.keepEvents(events);
    void this.send(events, fresh.length);
  }

  /** Hands events to delivery, counting `tasks` in the backlog until it settles. */
  send(events: readonly TaskCompletionEvent[], tasks: number): Promise<void> {
    this.inFlight += tasks;
    const delivered = this.options.delivery.deliver(events).finally(() => {
      this.inFlight -= tasks;
      this.pending.delete(delivered);
    });
    this.pending.add(delivered);
    return delivered;
  }

  /** Settles once no delivery is in flight (those started meanwhile included). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Counts a task whose source exports no usage, and says why once per source. */
  private noUsage(why: string): void {
    this.options.stats.tasksWithoutUsage++;
    if (this.noUsageSaid.has(why)) return;
    this.noUsageSaid.add(why);
    logger.warn(`${why} (stats.tasksWithoutUsage counts such tasks; said once)`);
  }
}

import type { BridgeStats, BudgetRefusals, SpoolStats } from '../types.js';

/** The mutable counters behind {@link BridgeStats}. */
export class BridgeStatsCounter {
  readonly received = { spans: 0, logRecords: 0, dataPoints: 0 };
  tasksReported = 0;
  tasksUncosted = 0;
  tasksIncomplete = 0;
  tasksWithoutUsage = 0;
  /** Events the spool resender sent again (`stats.spool.resent`). */
  spoolResent = 0;
  readonly requestsRefused: Record<string, number> = {};
  readonly dropped = {
    invalidRecords: 0,
    tasksClosedEarly: 0,
    duplicateTasks: 0,
    coveredByTraces: 0,
    coveredMetricTasks: 0,
  };

  readonly budgetRefusals: { -readonly [K in keyof BudgetRefusals]: number } = {
    heldBytes: 0,
    taskBytes: 0,
    inflightBytes: 0,
    clientShare: 0,
    bodyTimeout: 0,
  };

  /** A request refused (or cut) to stay within a byte budget; its status counts in `refused`. */
  refusedForBudget(reason: keyof BudgetRefusals): void {
    this.budgetRefusals[reason]++;
  }

  refused(status: number): void {
    const key = String(status);
    this.requestsRefused[key] = (this.requestsRefused[key] ?? 0) + 1;
  }

  /** A copy, with the open, pending and byte counts of now and the spool's. */
  snapshot(
    openTasks: number,
    pendingRecords: number,
    heldBytes: number,
    inflightBytes: number,
    spool?: Omit<SpoolStats, 'resent'>,
  ): BridgeStats {
    return {
      received: { ...this.received },
      tasksReported: this.tasksReported,
      tasksUncosted: this.tasksUncosted,
      tasksIncomplete: this.tasksIncomplete,
      tasksWithoutUsage: this.tasksWithoutUsage,
      requestsRefused: { ...this.requestsRefused },
      dropped: { ...this.dropped },
      budgetRefusals: { ...this.budgetRefusals },
      openTasks,
      pendingRecords,
      heldBytes,
      inflightBytes,
      ...(spool === undefined ? {} : { spool: { ...spool, resent: this.spoolResent } }),
    };
  }
}

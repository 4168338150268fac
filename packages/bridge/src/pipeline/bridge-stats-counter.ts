import type { BridgeStats } from '../types.js';

/** The mutable counters behind {@link BridgeStats}. */
export class BridgeStatsCounter {
  readonly received = { spans: 0, logRecords: 0, dataPoints: 0 };
  tasksReported = 0;
  tasksUncosted = 0;
  tasksIncomplete = 0;
  tasksWithoutUsage = 0;
  readonly requestsRefused: Record<string, number> = {};
  readonly dropped = {
    invalidRecords: 0,
    tasksClosedEarly: 0,
    duplicateTasks: 0,
    coveredByTraces: 0,
  };

  refused(status: number): void {
    const key = String(status);
    this.requestsRefused[key] = (this.requestsRefused[key] ?? 0) + 1;
  }

  /** A copy, with the open and pending counts of now. */
  snapshot(openTasks: number, pendingRecords: number): BridgeStats {
    return {
      received: { ...this.received },
      tasksReported: this.tasksReported,
      tasksUncosted: this.tasksUncosted,
      tasksIncomplete: this.tasksIncomplete,
      tasksWithoutUsage: this.tasksWithoutUsage,
      requestsRefused: { ...this.requestsRefused },
      dropped: { ...this.dropped },
      openTasks,
      pendingRecords,
    };
  }
}

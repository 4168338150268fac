import { createTaskDelivery } from '../model/exporter-core.js';
import { BRIDGE_LIMITS, type BridgeLimits } from '../pipeline/bridge-limits.js';
import { BridgePipeline } from '../pipeline/bridge-pipeline.js';
import { BridgeStatsCounter } from '../pipeline/bridge-stats-counter.js';
import { MEMORY_SPOOL } from '../spool/memory-spool.js';
import type { TaskSpool } from '../spool/task-spool.js';
import type { BridgeStats, OtlpHandlerOptions } from '../types.js';
import { InflightBudget } from './inflight-budget.js';

/** Default of `taskIdleMs`. */
export const DEFAULT_TASK_IDLE_MS = 30_000;

/** What one bridge holds: its pipeline, counters and the bytes being read. */
export interface BridgeRuntime {
  readonly pipeline: BridgePipeline;
  readonly counter: BridgeStatsCounter;
  readonly limits: BridgeLimits;
  readonly spool: TaskSpool;
  /** Request bytes being read, in all and per client address. */
  readonly inflight: InflightBudget;
  stats(): BridgeStats;
}

/** A taskIdleMs option: a finite number >= 1, else the default. */
function idleMsOf(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : DEFAULT_TASK_IDLE_MS;
}

/** Wiring tests hand a bridge; not part of the public options. */
export interface BridgeInternals {
  /** Replaces some of the fixed limits (docs/bridge.md states the defaults). */
  readonly limits?: Partial<BridgeLimits>;
}

/**
 * Builds the pipeline and delivery of one bridge from its options, on `spool`: what it holds is
 * rebuilt into the pipeline and its undelivered events resent now.
 */
export function createBridgeRuntime(
  options: OtlpHandlerOptions = {},
  internals: BridgeInternals = {},
  spool: TaskSpool = MEMORY_SPOOL,
): BridgeRuntime {
  const counter = new BridgeStatsCounter();
  const limits: BridgeLimits = { ...BRIDGE_LIMITS, ...internals.limits };
  const pipeline = new BridgePipeline({
    delivery: createTaskDelivery(options.telemetry, (events) => spool.forgetEvents(events)),
    taskIdleMs: idleMsOf(options.taskIdleMs),
    defaults: options.defaults ?? {},
    stats: counter,
    limits,
    spool,
  });
  pipeline.restore();
  const inflight = new InflightBudget(
    limits.maxInflightBodyBytes,
    limits.maxInflightBytesPerClient,
  );
  return {
    pipeline,
    counter,
    limits,
    spool,
    inflight,
    stats: () =>
      counter.snapshot(
        pipeline.openTasks,
        pipeline.pendingRecords,
        pipeline.heldBytes,
        inflight.bytes,
        spool.stats(),
      ),
  };
}

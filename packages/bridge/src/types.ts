import type { Complexity, Harness, TaskType } from '@mosaicstack/telemetry-semconv';
import type { MosaicTelemetryConfig } from './model/exporter-core.js';

/** Task fields a CLI cannot know, used when the sender's `mosaic.*` resource attributes lack them. */
export interface BridgeDefaults {
  /** @default 'unknown' */
  readonly taskType?: TaskType;
  /** @default 'medium' */
  readonly complexity?: Complexity;
  /** Used when neither `mosaic.harness` nor a known `service.name` names one. @default 'custom' for a named service, else 'unknown' */
  readonly harness?: Harness;
}

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** OTLP/HTTP port; 0 picks a free one. @default 4318 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * OTLP/gRPC port on the same `host`; 0 picks a free one, `false` serves no gRPC.
   * @default 4317, or 0 when `port` is 0 (a bridge on a free port does not claim a fixed one)
   */
  readonly grpcPort?: number | false;
  /**
   * The upstream Mosaic server (env `MOSAIC_TELEMETRY_*` as everywhere). Starting a bridge is the
   * opt-in, so `enabled` defaults to true; `MOSAIC_TELEMETRY_ENABLED=0` still switches delivery off.
   */
  readonly telemetry?: MosaicTelemetryConfig;
  /** A task seen only through logs (or keyed by prompt id) closes after this long without a new record. @default 30000 */
  readonly taskIdleMs?: number;
  readonly defaults?: BridgeDefaults;
  /**
   * Folder of the durable spool: an export is answered only once what the bridge keeps of it is
   * there, and a restart rebuilds open tasks and resends undelivered events from it. `false`
   * keeps everything in memory (lost with the process). The CLI spools by default.
   * @default false
   */
  readonly spoolDir?: string | false;
  /**
   * Most bytes the spool holds (open tasks' records and undelivered events); at it, exports are
   * refused with 503 and Retry-After (gRPC: UNAVAILABLE) until deliveries bring it under.
   * @default 268435456 (256 MiB)
   */
  readonly spoolMaxBytes?: number;
}

/**
 * Options of {@link createOtlpHandler}: those of {@link BridgeOptions} that are not about listening
 * or the spool (an embedded handler keeps its tasks in memory).
 */
export type OtlpHandlerOptions = Omit<
  BridgeOptions,
  'port' | 'host' | 'grpcPort' | 'spoolDir' | 'spoolMaxBytes'
>;

/** The spool of a bridge started with `spoolDir`. */
export interface SpoolStats {
  /** Its folder. */
  readonly dir: string;
  /** Bytes of the records and events it holds (the file takes somewhat more). */
  readonly bytes: number;
  readonly maxBytes: number;
  /** Open traces and keyed tasks with records in it. */
  readonly openTasks: number;
  /** Events not yet known to be stored upstream. */
  readonly undeliveredEvents: number;
  /**
   * Events sent again while the bridge runs (docs/bridge.md, Spool): undelivered spooled events
   * and the delivery's carry-over, once delivery is idle.
   */
  readonly resent: number;
}

/** Counters of a bridge since it started. */
export interface BridgeStats {
  /** Records received, by signal (spans, log records, metric data points). */
  readonly received: {
    readonly spans: number;
    readonly logRecords: number;
    readonly dataPoints: number;
  };
  /** Task events handed to delivery. */
  readonly tasksReported: number;
  /**
   * Reported tasks with a model request the bridge priced from its tokens but whose model the
   * price table does not know (that request counts 0 in the task's cost).
   */
  readonly tasksUncosted: number;
  /**
   * Tasks seen only in part and not reported: a closed trace held a task's model calls but not the
   * span that ends it (OpenCode's prompt span, lost when OpenCode exits before its last export).
   */
  readonly tasksIncomplete: number;
  /**
   * Reported tasks whose source exports no token usage at all (Kilo Code 7.7): duration and
   * outcome only, tokens 0. The bridge names each such source once (a warning).
   */
  readonly tasksWithoutUsage: number;
  /** Requests answered with an error status (4xx/5xx), by status code; a gRPC call refused for the same reason counts under the same code. */
  readonly requestsRefused: Readonly<Record<string, number>>;
  /** Records and tasks given up to keep memory bounded, by reason. */
  readonly dropped: {
    /** Records refused inside accepted requests (no valid ids). */
    readonly invalidRecords: number;
    /** Open traces or keyed tasks closed early because the open-task cap was reached. */
    readonly tasksClosedEarly: number;
    /** Tasks already reported, seen again and not reported twice. */
    readonly duplicateTasks: number;
    /** Tasks read from logs not reported because traces report the same task (its own keys). */
    readonly coveredByTraces: number;
    /** Tasks read from metrics not reported because spans or logs of the same sender session made tasks. */
    readonly coveredMetricTasks: number;
  };
  /**
   * Requests refused (or cut) to stay within a byte budget, by budget; each also counts under its
   * status in `requestsRefused` (429 or 503, with Retry-After).
   */
  readonly budgetRefusals: BudgetRefusals;
  /** Traces and keyed tasks open now. */
  readonly openTasks: number;
  /** Span, request and tool-record entries held now. */
  readonly pendingRecords: number;
  /** The spool (undefined without `spoolDir`); exports it refused count under `requestsRefused['503']`. */
  readonly spool?: SpoolStats | undefined;
  /** Bytes the open tasks hold now, estimated as records are kept (docs/bridge.md, Limits). */
  readonly heldBytes: number;
  /** Request body bytes being read now. */
  readonly inflightBytes: number;
}

/** Requests refused (or cut) for each byte budget of the bridge. */
export interface BudgetRefusals {
  /** The open tasks would hold more than their budget in all (503). */
  readonly heldBytes: number;
  /** One trace would hold more than the budget of one open task (429). */
  readonly taskBytes: number;
  /** The request bytes being read would pass the in-flight cap (429). */
  readonly inflightBytes: number;
  /** One client address would hold more than its share of the in-flight cap (429). */
  readonly clientShare: number;
  /** A body sent nothing for the body timeout and was cut (503). */
  readonly bodyTimeout: number;
}

/** A running bridge. */
export interface Bridge {
  /** Base URL, no trailing slash (e.g. `http://127.0.0.1:4318`). */
  readonly url: string;
  /** The OTLP/gRPC listener's `http://host:port`; undefined when `grpcPort` is `false`. */
  readonly grpcUrl: string | undefined;
  /**
   * Stops accepting, reports every finished task and delivers everything; never rejects. Without
   * a spool every open task closes; with one, a task that may still grow stays in the spool and
   * goes on at the next start (docs/bridge.md, Spool).
   */
  close(): Promise<void>;
  readonly stats: BridgeStats;
}

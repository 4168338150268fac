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
}

/** Options of {@link createOtlpHandler}: those of {@link BridgeOptions} that are not about listening. */
export type OtlpHandlerOptions = Omit<BridgeOptions, 'port' | 'host' | 'grpcPort'>;

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
  };
  /** Traces and keyed tasks open now. */
  readonly openTasks: number;
  /** Span, request and tool-record entries held now. */
  readonly pendingRecords: number;
}

/** A running bridge. */
export interface Bridge {
  /** Base URL, no trailing slash (e.g. `http://127.0.0.1:4318`). */
  readonly url: string;
  /** The OTLP/gRPC listener's `http://host:port`; undefined when `grpcPort` is `false`. */
  readonly grpcUrl: string | undefined;
  /** Stops accepting, closes every open task and delivers everything. Never rejects. */
  close(): Promise<void>;
  readonly stats: BridgeStats;
}

import type { Harness } from '@mosaicstack/telemetry-semconv';

/** Why a delivery failed, as passed to `onError`. */
export type MosaicDeliveryErrorKind =
  | 'forbidden'
  | 'bad-request'
  | 'retries-exhausted'
  | 'dropped'
  | 'rejected'
  | 'predictions';

/** An error the exporter or the predictions helper reports instead of throwing. */
export interface MosaicDeliveryError extends Error {
  /** What went wrong. */
  readonly kind: MosaicDeliveryErrorKind;
  /** HTTP status when the server answered. */
  readonly status?: number;
  /** How many events the error concerns. */
  readonly eventCount: number;
}

/**
 * How task events leave the process: `batch` holds them for `submitIntervalMs` (or until a flush)
 * and sends them together; `immediate` sends each when its task span ends.
 */
export type ExportMode = 'batch' | 'immediate';

/** Options of the Mosaic telemetry bridge; every one can also come from env or a default. */
export interface MosaicTelemetryConfig {
  /**
   * Turns telemetry on. `MOSAIC_TELEMETRY_ENABLED`, when set, wins over this; `OTEL_SDK_DISABLED=true`
   * switches it off.
   * @default false
   */
  enabled?: boolean;
  /**
   * Base URL of the Mosaic Telemetry server (env `MOSAIC_TELEMETRY_SERVER_URL`).
   * @example 'https://telemetry.example.com'
   */
  serverUrl?: string;
  /** API key, 64 hex characters (env `MOSAIC_TELEMETRY_API_KEY`). Never logged. */
  apiKey?: string;
  /** This installation's instance id, a UUID (env `MOSAIC_TELEMETRY_INSTANCE_ID`). */
  instanceId?: string;
  /**
   * Harness reported when a task span has no `mosaic.harness` (env `MOSAIC_TELEMETRY_HARNESS`).
   * @default 'unknown'
   */
  harness?: Harness | (string & {});
  /**
   * Delay between scheduled exports in ms (env `MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS`).
   * @default 300000
   */
  submitIntervalMs?: number;
  /**
   * Most task spans held waiting for export; also the cap of the carry-over buffer.
   * @default 1000
   */
  maxQueueSize?: number;
  /**
   * Events per request, 1..100.
   * @default 100
   */
  batchSize?: number;
  /**
   * Timeout of one HTTP request in ms.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Retries of a failed request (5xx, 429, timeouts, network errors); 0..10.
   * @default 3
   */
  maxRetries?: number;
  /**
   * How long a cached prediction stays fresh, in ms.
   * @default 21600000
   */
  predictionCacheTtlMs?: number;
  /**
   * Longest `forceFlush()` or `shutdown()` may take in ms, whatever the server does: requests still
   * running then are abandoned; at shutdown the events not delivered are counted and reported.
   * @default 10000
   */
  shutdownTimeoutMs?: number;
  /**
   * Log each batch (key redacted) instead of sending it (env `MOSAIC_TELEMETRY_DRY_RUN`).
   * @default false
   */
  dryRun?: boolean;
  /**
   * Treat an un-enclosed root agent span as a task of type `unknown`.
   * @default false
   */
  autoTasks?: boolean;
  /**
   * Give a task span without `mosaic.cost.actual_usd_micros` the cost of its folded model calls,
   * priced per request by the bundled price table (env `MOSAIC_TELEMETRY_COMPUTE_COST`).
   * @default true
   */
  computeCost?: boolean;
  /**
   * Allow plain http to a host other than loopback.
   * @default false
   */
  allowInsecure?: boolean;
  /**
   * `immediate` sends each task event when its span ends (a few requests at a time, the rest
   * coalesced), for CLIs, serverless functions and servers that may be stopped at any moment;
   * `batch` waits `submitIntervalMs` (env `MOSAIC_TELEMETRY_EXPORT_MODE`).
   * @default 'immediate' in a Next.js server, AWS Lambda or Vercel function, else 'batch'
   */
  exportMode?: ExportMode;
  /** Called with each delivery error; errors also go to OTel `diag`. Must not throw (if it does, it is caught). */
  onError?: (error: MosaicDeliveryError) => void;
}

/** A config with every option decided: explicit option, then env, then default. */
export interface ResolvedMosaicConfig {
  /** True only when switched on and valid. */
  readonly enabled: boolean;
  /** Whether the env flag or the `enabled` option asked for telemetry, valid or not. */
  readonly switchedOn: boolean;
  readonly serverUrl: string;
  readonly apiKey: string;
  readonly instanceId: string;
  readonly harness: Harness;
  readonly submitIntervalMs: number;
  readonly maxQueueSize: number;
  readonly batchSize: number;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly predictionCacheTtlMs: number;
  readonly shutdownTimeoutMs: number;
  readonly dryRun: boolean;
  readonly autoTasks: boolean;
  readonly computeCost: boolean;
  readonly allowInsecure: boolean;
  readonly onError: ((error: MosaicDeliveryError) => void) | undefined;
  readonly exportMode: ExportMode;
  /** What makes the config unusable (each says how to fix it); telemetry runs disabled when any. */
  readonly problems: readonly string[];
  /** Env values that were ignored, each naming the variable, the expected form and the value. */
  readonly warnings: readonly string[];
}

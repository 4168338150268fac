import type { BridgeDefaults, BridgeStats } from '@mosaicstack/telemetry-bridge';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';

/** Token bucket applied per API key to the two POST routes. */
export interface RateLimitOptions {
  /** Most requests in one burst. @default 200 */
  capacity: number;
  /** Tokens added back per second. @default 50 */
  refillPerSecond: number;
}

/** Options of `startDevServer`. */
export interface DevServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** SQLite file, or ':memory:'. @default ':memory:' */
  dbPath?: string;
  /** Bearer key; generated once and kept in the database when omitted. @example 'ab12...' (64 hex) */
  apiKey?: string;
  /** Instance id bound to `apiKey`; generated once and kept in the database when omitted. */
  instanceId?: string;
  /** Per-key token bucket on the POST routes, or `false` to switch it off. @default { capacity: 200, refillPerSecond: 50 } */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** How long a computed prediction is served from cache. @default 60000 */
  predictionCacheTtlMs?: number;
  /**
   * Whether the web view's JSON routes (`/api/*`) need the Bearer key like the v1 routes.
   * @default true when `host` is not a loopback address, else false
   */
  requireKeyForReads?: boolean;
  /**
   * Further names the server answers to by the `Host` header (any port), besides `localhost`,
   * loopback addresses and the bound host; one starting with a dot allows the names under it too.
   * Any other `Host` gets 403 on every route, so a web page cannot reach the server by DNS
   * rebinding. @example ['devbox.internal', '.example.test']
   */
  allowedHosts?: readonly string[];
  /** Most computed predictions kept in the cache (the oldest are dropped first). @default 1000 */
  predictionCacheMaxEntries?: number;
  /**
   * The embedded OTLP bridge: `POST /v1/traces|logs|metrics` on the same port store the tasks
   * they carry, so `OTEL_EXPORTER_OTLP_ENDPOINT` pointed here is a whole local loop. `false`
   * switches the OTLP routes off (they answer 404).
   * @default {} (on, with the bridge's defaults)
   */
  otlp?: DevServerOtlpOptions | false;
}

/** Settings of the devserver's embedded OTLP bridge. */
export interface DevServerOtlpOptions {
  /** A task seen only through logs closes after this long without a new record. @default 30000 */
  taskIdleMs?: number;
  /** Task fields a sender cannot know. */
  defaults?: BridgeDefaults;
  /**
   * Also serve OTLP/gRPC (the OTLP collector services' `Export`) on this port of the same host,
   * 0 for a free one (4317 is OTLP/gRPC's own port). Off when omitted: a devserver on a free
   * port, as tests start many at once, claims no fixed one.
   * @default undefined (no gRPC listener)
   */
  grpcPort?: number;
}

/** Extra settings of an injected failure. */
export interface FailNextOptions {
  /** Value of the `Retry-After` header. @example '2' */
  retryAfter?: string;
  /** Raw response body; a JSON error naming the fault when omitted. */
  body?: string;
}

/** Test hooks that make the next POST requests misbehave, applied in the order injected. */
export interface DevServerFaults {
  /** Answers the next `count` POST requests with `status` without processing them. */
  failNext(count: number, status: number, options?: FailNextOptions): void;
  /** Waits `ms` before processing each of the next `count` POST requests. */
  delayNext(count: number, ms: number): void;
  /** Destroys the socket of the next `count` POST requests without answering. */
  resetNext(count: number): void;
  /** Answers the next `count` POST requests with 200 and a body that is not valid JSON. */
  malformedNext(count: number): void;
  /** Drops every pending fault. */
  clear(): void;
}

/** Live counters of a running dev server. */
export interface DevServerStats {
  /** HTTP requests received, any route. */
  requests: number;
  /** Events stored. */
  eventsAccepted: number;
  /** Events rejected one by one (invalid or duplicate) inside 200 answers. */
  eventsRejected: number;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL without a trailing slash. @example 'http://127.0.0.1:8931' */
  readonly url: string;
  /** The web view's address (tasks, charts, predictions). @example 'http://127.0.0.1:8931/' */
  readonly webUrl: string;
  /** The main Bearer key. */
  readonly apiKey: string;
  /** The instance id bound to `apiKey`. */
  readonly instanceId: string;
  /** Registers one more key/instance pair (in memory only). */
  addInstance(apiKey: string, instanceId: string): void;
  /** Fault injection for tests; off unless called. */
  readonly faults: DevServerFaults;
  /** Every stored event, in accept order. */
  listEvents(): TaskCompletionEvent[];
  /** How many events are stored. */
  countEvents(): number;
  /** Live request and event counters. */
  readonly stats: Readonly<DevServerStats>;
  /** The embedded bridge's OTLP/gRPC listener (`http://host:port`); undefined unless `otlp.grpcPort` is set. */
  readonly otlpGrpcUrl: string | undefined;
  /** Counters of the embedded OTLP bridge (HTTP and gRPC); undefined when `otlp: false`. */
  readonly otlpStats: BridgeStats | undefined;
  /** Closes and delivers the embedded bridge's open tasks, stops listening, destroys open sockets and closes the database. */
  close(): Promise<void>;
}

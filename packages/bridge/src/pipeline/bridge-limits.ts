/**
 * The bridge's fixed limits (docs/bridge.md states them): bytes for what it holds and reads, counts
 * as a second line; every drop they cause is counted in `stats.dropped` or answered with a status.
 */
export const BRIDGE_LIMITS = {
  /** Largest request body accepted, compressed or not, and after decompression (413 beyond). */
  maxBodyBytes: 16 * 1024 * 1024,
  /**
   * Request body bytes being read at once, counted as they arrive (not as declared); a request
   * whose bytes would pass it gets 429.
   */
  maxInflightBodyBytes: 64 * 1024 * 1024,
  /** Of those, the bytes the requests of one client address may hold; beyond it, 429. */
  maxInflightBytesPerClient: 16 * 1024 * 1024,
  /** A request body that sends nothing for this long is cut (503) and its bytes released. */
  bodyTimeoutMs: 10_000,
  /**
   * Bytes the open tasks hold in all (estimated as records are kept: only attributes a source
   * reads, values capped); a request that would pass it gets 503.
   */
  maxHeldBytes: 256 * 1024 * 1024,
  /**
   * Bytes one open task may hold (a trace: its records and parent links; a keyed task: its
   * requests); a request that would take a trace past it gets 429, a keyed task closes early.
   */
  maxTaskBytes: 8 * 1024 * 1024,
  /** Open traces; the oldest closes early beyond it. */
  maxOpenTraces: 10_000,
  /** Open tasks keyed by (session, prompt); the oldest closes early beyond it. */
  maxOpenKeyedTasks: 10_000,
  /** Metric streams whose last cumulative value is remembered; the oldest is forgotten beyond it. */
  maxMetricStreams: 100_000,
  /** Span parent links, span records and requests held; beyond it requests get 503. */
  maxPendingRecords: 1_000_000,
  /** Events handed to delivery and not yet settled; beyond it requests get 503. */
  maxDeliveryBacklog: 10_000,
  /** A trace with a finished task closes this long after its last span (at most `taskIdleMs`). */
  traceSettleMs: 2_000,
  /** Any open trace or keyed task closes at this age. */
  maxTaskAgeMs: 6 * 60 * 60 * 1000,
  /** Task ids remembered as reported, so a replay is not reported twice by this process. */
  reportedIdsRemembered: 100_000,
  /**
   * How often a bridge with a spool looks for undelivered events to send again while it runs; a
   * round that delivers nothing doubles the wait, up to 16 times this.
   */
  spoolResendMs: 30_000,
  /** Events one resend round hands to delivery at most (within `maxDeliveryBacklog`). */
  spoolResendBatch: 500,
  /** Seconds a refused sender is asked to wait (`Retry-After`). */
  retryAfterSeconds: 5,
} as const;

/** The limits, each overridable for tests (not a public option). */
export type BridgeLimits = { -readonly [K in keyof typeof BRIDGE_LIMITS]: number };

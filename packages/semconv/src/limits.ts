/** Numeric and string limits of event schema 1.0 (docs/wire-protocol.md). */

/** The event schema version this package describes. */
export const SCHEMA_VERSION = '1.0' as const;

/** Most events in one `POST /v1/events/batch` request. */
export const MAX_EVENTS_PER_BATCH = 100;
/** Most queries in one `POST /v1/predictions/batch` request. */
export const MAX_QUERIES_PER_BATCH = 50;
/** Longest task duration in ms (24 h). */
export const MAX_TASK_DURATION_MS = 86_400_000;
/** Largest token count per field. */
export const MAX_TOKENS = 10_000_000;
/** Largest cost in micro-dollars per field ($100). */
export const MAX_COST_USD_MICROS = 100_000_000;
/** Most context compactions. */
export const MAX_CONTEXT_COMPACTIONS = 100;
/** Most context rotations. */
export const MAX_CONTEXT_ROTATIONS = 50;
/** Most retries. */
export const MAX_RETRY_COUNT = 20;
/** Shortest model name. */
export const MIN_MODEL_LENGTH = 1;
/** Longest model name. */
export const MAX_MODEL_LENGTH = 100;
/** Longest language name. */
export const MAX_LANGUAGE_LENGTH = 30;
/** Largest request body the v1 server accepts (1 MiB). */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;

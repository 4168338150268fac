import type { Attributes } from '@opentelemetry/api';

/** A decoded OTLP log record, normalised: what the sources read. */
export interface LogRecordLike {
  /** `timeUnixNano`, else `observedTimeUnixNano` (Codex sends 0 and only the latter), else now. */
  readonly timeMs: number;
  /** The `event.name` attribute, else `eventName` (Codex puts a callsite there), else a `claude_code.*` body. */
  readonly eventName: string | undefined;
  readonly attributes: Attributes;
  readonly resourceAttributes: Attributes;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

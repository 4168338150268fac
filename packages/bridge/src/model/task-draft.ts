import type { Harness } from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';
import type { GateOutcome, TaskUsage } from './exporter-core.js';

/** A task a source recognised, before it becomes a record for the converter. */
export interface TaskDraft {
  /** Seeds of the event id: the task span's ids, or ids derived from (session, prompt). */
  readonly traceId: string;
  readonly spanId: string;
  /** The source that made it (a span or source name, never content). */
  readonly source: string;
  /** The harness its source names (Kilo Code shares OpenCode's `service.name`); else by service. */
  readonly harness?: Harness | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly resourceAttributes: Attributes;
  /** The task span's own attributes (explicit task spans only); the converter reads its allowlist. */
  readonly ownAttributes?: Attributes | undefined;
  readonly usage: TaskUsage | undefined;
  /** Why the task has no usage when its source never exports any (said once, counted). */
  readonly noUsage?: string | undefined;
  readonly costMicros: number | undefined;
  /** Some request was priced at 0 because its model has no known price. */
  readonly uncosted?: boolean | undefined;
  /** Quality gates of the shell commands its tools ran, when they ran any gate. */
  readonly gates?: GateOutcome | undefined;
  /** Language of the files its tools read or edited, when one is known. */
  readonly language?: string | undefined;
  /** The task span is ERROR or its last model request failed. */
  readonly failed: boolean;
  /**
   * Keys of this task that its log records also carry (Claude Code: session id + request id of
   * each model request; Codex: conversation id + the turn's trace id): the log-derived task with
   * one of them is the same task, joined into this report (its tool activity and cost).
   */
  readonly covers?: readonly string[] | undefined;
}

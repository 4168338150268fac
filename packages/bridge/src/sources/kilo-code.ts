import type { SpanRecord } from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { OPENCODE_PROMPT_SPAN } from './opencode.js';
import type { Source } from './source.js';

/** Prefix of Kilo Code's own spans beneath each prompt span (OpenCode has none). */
export const KILO_SPAN_PREFIX = 'KiloSessionPrompt.';
/** Kilo Code's span of one model-call attempt: ERROR when the call failed. */
export const KILO_ATTEMPT_SPAN = 'SessionProcessor.incompleteAttempt';

/** What the bridge says once about Kilo Code's tasks (they come without usage). */
export const KILO_NO_USAGE =
  'Kilo Code 7.7 exports no token usage, model or provider (its model calls run with telemetry off): its tasks are reported with duration and outcome only, tokens 0; no Kilo setting changes that today';

/**
 * Kilo Code (an OpenCode fork that also sends `service.name=opencode`): each `SessionPrompt.prompt`
 * span with one of Kilo's own `KiloSessionPrompt.*` spans beneath it is a task of harness
 * `kilo_code`. Failed when its last `SessionProcessor.incompleteAttempt` (one per model call) is
 * ERROR. Kilo exports no usage: the task carries none and says so (`noUsage`).
 */
export function kiloCodeTasks(trace: TraceView, ctx: TraceTaskContext): TraceTask[] {
  const prompts = trace.named(OPENCODE_PROMPT_SPAN).filter((r) => !ctx.isClaimed(r.spanId));
  if (prompts.length === 0) return [];
  const ids = new Set(prompts.map((r) => r.spanId));
  const kilo = new Set<string>();
  const lastAttempt = new Map<string, SpanRecord>();
  for (const r of trace.records.values()) {
    const mark = r.name.startsWith(KILO_SPAN_PREFIX);
    if (!mark && r.name !== KILO_ATTEMPT_SPAN) continue;
    const prompt = trace.nearestIn(r.spanId, ids);
    if (prompt === undefined) continue;
    if (mark) {
      kilo.add(prompt);
      continue;
    }
    const last = lastAttempt.get(prompt);
    if (last === undefined || r.endTimeMs >= last.endTimeMs) lastAttempt.set(prompt, r);
  }
  return prompts
    .filter((span) => kilo.has(span.spanId))
    .map((span) => ({
      complete: true,
      draft: {
        traceId: span.traceId,
        spanId: span.spanId,
        source: 'kilo.prompt',
        harness: 'kilo_code',
        startMs: span.startTimeMs,
        endMs: span.endTimeMs,
        resourceAttributes: span.resourceAttributes,
        usage: undefined,
        costMicros: undefined,
        noUsage: KILO_NO_USAGE,
        failed:
          span.statusCode === SPAN_STATUS_ERROR ||
          lastAttempt.get(span.spanId)?.statusCode === SPAN_STATUS_ERROR,
      },
    }));
}

/**
 * A Kilo Code trace holding Kilo's own spans that no prompt span claims: a prompt whose
 * `SessionPrompt.prompt` span was lost (an OpenCode fork, it can lose its last export at exit),
 * one incomplete task.
 */
export function kiloCodeIncompleteTasks(trace: TraceView, ctx: TraceTaskContext): number {
  for (const r of trace.records.values()) {
    if (r.name.startsWith(KILO_SPAN_PREFIX) && !ctx.isClaimed(r.spanId)) return 1;
  }
  return 0;
}

/** Kilo Code (traces only; asked before OpenCode, whose prompt span it shares). */
export const kiloCode: Source = {
  name: 'Kilo Code',
  reads: {
    spanNames: [OPENCODE_PROMPT_SPAN, KILO_ATTEMPT_SPAN],
    spanNamePrefixes: [KILO_SPAN_PREFIX],
  },
  traceTasks: kiloCodeTasks,
  incompleteTasks: kiloCodeIncompleteTasks,
  completesTask: (span: SpanRecord) => span.name === OPENCODE_PROMPT_SPAN,
};

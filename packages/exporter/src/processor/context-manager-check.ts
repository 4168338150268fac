import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@mosaicstack/telemetry-semconv';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { logger } from '../otel/diag-logger.js';
import type { ReadableSpanLike } from '../otel/otel-types.js';

const PROBE = createContextKey('@mosaicstack/telemetry-exporter context probe');

/** Whether the warning was given (once per process, however many processors there are). */
let warned = false;

/** Whether `context.with` makes its context the active one: false while no context manager is registered. */
export function contextPropagates(): boolean {
  return (
    context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE)) ===
    true
  );
}

/**
 * Called as a task span ends with `foldedCalls` model calls folded into it: when there are none,
 * the span carries no token counts of its own and no context manager propagates `context.with`,
 * says once (through the visible fallback when the host has no diag logger) that model calls
 * cannot nest under task spans, and how to fix it. Never throws.
 */
export function checkContextManager(task: ReadableSpanLike, foldedCalls: number): void {
  if (warned || foldedCalls > 0) return;
  try {
    const attrs = task.attributes;
    if (
      attrs[ATTR_GEN_AI_USAGE_INPUT_TOKENS] !== undefined ||
      attrs[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] !== undefined ||
      contextPropagates()
    ) {
      return;
    }
  } catch {
    return; // a span or a context manager that throws is diagnosed elsewhere
  }
  warned = true;
  logger.warn(
    'a task span ended with no model calls folded in, and no OpenTelemetry context manager is registered: spans started inside a task (startActiveSpan, instrumented model clients) cannot nest under it, so its tokens are 0 and its model unknown; use NodeSDK (it registers one), or install @opentelemetry/context-async-hooks and call context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()) before the first task',
  );
}

// task/: helpers for host code that marks its task spans (withTask, taskAttributes).
import {
  ATTR_MOSAIC_TASK_OUTCOME,
  ATTR_MOSAIC_TASK_TYPE,
  Outcome,
} from '@mosaicstack/telemetry-semconv';
import { type Attributes, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { logger } from '../otel/diag-logger.js';
import { VERSION } from '../version.js';
import { type PredictionsReader, prefillEstimates } from './prefill-estimates.js';
import type { TaskSpanAttributes } from './task-attributes.js';

/** Options of `withTask`. */
export interface WithTaskOptions {
  /**
   * Name of the task span.
   * @default `task ${task_type}`
   */
  name?: string;
  /**
   * Tracer that starts the span.
   * @default trace.getTracer('@mosaicstack/telemetry-exporter', VERSION)
   */
  tracer?: Tracer;
  /** Cached predictions to pre-fill estimates from, usually a `MosaicPredictions`. */
  predictions?: PredictionsReader;
  /**
   * Set the estimated input/output tokens and cost the attributes leave out to the prediction's
   * medians (needs `predictions`; nothing is set when the cache has no prediction).
   * @default false
   */
  prefillEstimates?: boolean;
}

const TRACER_NAME = '@mosaicstack/telemetry-exporter';
let warnedMissingType = false;

/**
 * Runs `fn(span)` inside an active task span and ends the span when `fn` returns or its promise
 * settles. Records outcome `success` unless `fn` set one; a throw or rejection records the
 * exception, sets status ERROR and outcome `failure` (an outcome `fn` set other than `success`
 * stays), and is rethrown as is. A sync `fn` stays sync: its value is returned unwrapped.
 * @example await withTask(taskAttributes({ taskType: TaskType.TESTING }), async (span) => runTests())
 */
export function withTask<T>(
  attributes: TaskSpanAttributes,
  fn: (span: Span) => T,
  options: WithTaskOptions = {},
): T {
  const attrs = taskSpanAttributes(attributes, options);
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME, VERSION);
  const name = options.name ?? `task ${String(attrs[ATTR_MOSAIC_TASK_TYPE])}`;
  return tracer.startActiveSpan(name, { attributes: attrs }, (span): T => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      fail(span, error);
      throw error;
    }
    if (!isPromiseLike(result)) {
      succeed(span);
      return result;
    }
    return result.then(
      (value) => {
        succeed(span);
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        throw error;
      },
    ) as T;
  });
}

/** The span's attributes: task type ensured, estimates pre-filled when asked; never throws. */
function taskSpanAttributes(given: Attributes, options: WithTaskOptions): Attributes {
  let attrs: Attributes = typeof given === 'object' && given !== null ? given : {};
  if (attrs[ATTR_MOSAIC_TASK_TYPE] === undefined) {
    if (!warnedMissingType) {
      warnedMissingType = true;
      logger.warn(
        `withTask: attributes lack ${ATTR_MOSAIC_TASK_TYPE}; reporting task type unknown`,
      );
    }
    attrs = { ...attrs, [ATTR_MOSAIC_TASK_TYPE]: 'unknown' };
  }
  if (options.prefillEstimates === true && options.predictions !== undefined) {
    try {
      attrs = prefillEstimates(attrs, options.predictions);
    } catch (error) {
      logger.debug(`withTask: could not pre-fill estimates: ${String(error)}`);
    }
  }
  return attrs;
}

/** The outcome `fn` put on the span, null when none, undefined when the span cannot be read. */
function outcomeOf(span: Span): unknown {
  const attributes = (span as Partial<{ attributes: Attributes }>).attributes;
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  return attributes[ATTR_MOSAIC_TASK_OUTCOME] ?? null;
}

function succeed(span: Span): void {
  try {
    if (span.isRecording() && outcomeOf(span) === null) {
      span.setAttribute(ATTR_MOSAIC_TASK_OUTCOME, Outcome.SUCCESS);
    }
  } catch (thrown) {
    logger.debug(`withTask: could not record the outcome: ${String(thrown)}`);
  } finally {
    span.end();
  }
}

function fail(span: Span, error: unknown): void {
  try {
    if (!span.isRecording()) return;
    const exception = error instanceof Error ? error : String(error);
    span.recordException(exception);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    const outcome = outcomeOf(span);
    if (outcome === null || outcome === Outcome.SUCCESS) {
      span.setAttribute(ATTR_MOSAIC_TASK_OUTCOME, Outcome.FAILURE);
    }
  } catch (thrown) {
    logger.debug(`withTask: could not record the failure: ${String(thrown)}`);
  } finally {
    span.end();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

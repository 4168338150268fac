import {
  ATTR_MOSAIC_TASK_TYPE,
  TASK_SPAN_ATTRIBUTE_ALLOWLIST,
} from '@mosaicstack/telemetry-semconv';
import type { SpanRecord } from '../model/exporter-core.js';
import type { TraceTask, TraceTaskContext } from '../model/trace-task.js';
import type { TraceView } from '../model/trace-view.js';
import { MODEL_CALL_READS } from './fold-descendants.js';
import { foldedSpanTasks } from './folded-span-tasks.js';
import type { Source } from './source.js';

/**
 * Whether a span carries `mosaic.task.type` of its own. Claude Code copies the resource's
 * attributes (`OTEL_RESOURCE_ATTRIBUTES`) onto every span and log record, so a value equal to the
 * resource's is inherited, not a task marker.
 */
export function hasOwnTaskType(record: SpanRecord): boolean {
  const own = record.attributes[ATTR_MOSAIC_TASK_TYPE];
  return own !== undefined && own !== record.resourceAttributes[ATTR_MOSAIC_TASK_TYPE];
}

/**
 * Explicit task spans (`mosaic.task.type` of their own), as in-process: each one a task, usage
 * folded from the model calls beneath it by span id; its own allowlisted attributes win over
 * everything else.
 */
export function explicitTasks(trace: TraceView, _ctx: TraceTaskContext): TraceTask[] {
  return foldedSpanTasks(
    trace,
    [...trace.records.values()].filter(hasOwnTaskType),
    'mosaic.task',
    true,
  );
}

/** Explicit `mosaic.task.type` spans (any language, any SDK): the first source asked. */
export const explicitTask: Source = {
  name: 'explicit task span',
  reads: {
    spanNamePrefixes: MODEL_CALL_READS.spanNamePrefixes,
    attributeKeys: [ATTR_MOSAIC_TASK_TYPE, ...MODEL_CALL_READS.attributeKeys],
    // The converter reads the allowlist of a task span's own attributes.
    keys: [...TASK_SPAN_ATTRIBUTE_ALLOWLIST, ...MODEL_CALL_READS.keys],
    reducedKeys: MODEL_CALL_READS.reducedKeys,
    // A task type equal to the resource's is inherited, not a marker (`hasOwnTaskType`).
    resourceKeys: [ATTR_MOSAIC_TASK_TYPE],
  },
  traceTasks: explicitTasks,
  completesTask: hasOwnTaskType,
};

import {
  ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  ATTR_MOSAIC_HARNESS,
  ATTR_MOSAIC_QUALITY_GATES_FAILED,
  ATTR_MOSAIC_QUALITY_GATES_RUN,
  ATTR_MOSAIC_QUALITY_PASSED,
  ATTR_MOSAIC_TASK_COMPLEXITY,
  ATTR_MOSAIC_TASK_LANGUAGE,
  ATTR_MOSAIC_TASK_TYPE,
  type Harness,
} from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';
import type { TaskToDeliver } from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR, SPAN_STATUS_UNSET } from '../model/span-status.js';
import type { TaskDraft } from '../model/task-draft.js';
import type { BridgeDefaults } from '../types.js';

/** `service.name` values of harnesses the wire enum names. */
const HARNESS_BY_SERVICE: Readonly<Record<string, Harness>> = {
  'claude-code': 'claude_code',
  opencode: 'opencode',
};

/** The harness of a task: `mosaic.harness` wins; then a known `service.name`; then defaults. */
function harnessOf(resource: Attributes, defaults: BridgeDefaults): Harness {
  const service = resource['service.name'];
  const known = typeof service === 'string' ? HARNESS_BY_SERVICE[service] : undefined;
  if (known !== undefined) return known;
  if (defaults.harness !== undefined) return defaults.harness;
  return typeof service === 'string' && service !== '' && !service.startsWith('unknown_service')
    ? 'custom'
    : 'unknown';
}

/** The quality keys; a sender that sets any of them sets the task's gates. */
const QUALITY_KEYS = [
  ATTR_MOSAIC_QUALITY_GATES_RUN,
  ATTR_MOSAIC_QUALITY_GATES_FAILED,
  ATTR_MOSAIC_QUALITY_PASSED,
];

/**
 * The record the converter turns into an event. Its attributes hold only event fields: the
 * sender's `mosaic.*` resource attributes (the task fields a CLI cannot know), the task span's own
 * attributes for explicit tasks (the converter reads only its allowlist), harness, defaults,
 * cost, and the gates and language derived from the task's tool calls where the sender set none.
 * Tokens, model and provider travel as folded usage; failure as status ERROR.
 */
export function buildTaskRecord(draft: TaskDraft, defaults: BridgeDefaults): TaskToDeliver {
  const attributes: Attributes = {};
  for (const key in draft.resourceAttributes) {
    if (key.startsWith('mosaic.')) attributes[key] = draft.resourceAttributes[key];
  }
  if (draft.ownAttributes !== undefined) Object.assign(attributes, draft.ownAttributes);
  if (attributes[ATTR_MOSAIC_HARNESS] === undefined) {
    attributes[ATTR_MOSAIC_HARNESS] =
      draft.harness ?? harnessOf(draft.resourceAttributes, defaults);
  }
  if (attributes[ATTR_MOSAIC_TASK_TYPE] === undefined && defaults.taskType !== undefined) {
    attributes[ATTR_MOSAIC_TASK_TYPE] = defaults.taskType;
  }
  if (attributes[ATTR_MOSAIC_TASK_COMPLEXITY] === undefined && defaults.complexity !== undefined) {
    attributes[ATTR_MOSAIC_TASK_COMPLEXITY] = defaults.complexity;
  }
  if (
    attributes[ATTR_MOSAIC_COST_ACTUAL_USD_MICROS] === undefined &&
    draft.costMicros !== undefined
  ) {
    attributes[ATTR_MOSAIC_COST_ACTUAL_USD_MICROS] = draft.costMicros;
  }
  if (draft.gates !== undefined && QUALITY_KEYS.every((key) => attributes[key] === undefined)) {
    attributes[ATTR_MOSAIC_QUALITY_GATES_RUN] = draft.gates.gatesRun;
    attributes[ATTR_MOSAIC_QUALITY_GATES_FAILED] = draft.gates.gatesFailed;
    attributes[ATTR_MOSAIC_QUALITY_PASSED] = draft.gates.passed;
  }
  if (draft.language !== undefined && attributes[ATTR_MOSAIC_TASK_LANGUAGE] === undefined) {
    attributes[ATTR_MOSAIC_TASK_LANGUAGE] = draft.language;
  }
  return {
    record: {
      traceId: draft.traceId,
      spanId: draft.spanId,
      parentSpanId: undefined,
      name: draft.source,
      kind: 0,
      startTimeMs: draft.startMs,
      endTimeMs: Math.max(draft.endMs, draft.startMs),
      statusCode: draft.failed ? SPAN_STATUS_ERROR : SPAN_STATUS_UNSET,
      attributes,
      resourceAttributes: {},
      scopeName: undefined,
    },
    usage: draft.usage,
  };
}

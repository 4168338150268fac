import { TASK_SPAN_ATTRIBUTE_ALLOWLIST } from '@mosaicstack/telemetry-semconv';

/**
 * The resource attributes the task record reads of every source's tasks: `service.name` (the
 * harness) and the allowlisted `mosaic.*` task fields a CLI cannot know
 * (`OTEL_RESOURCE_ATTRIBUTES=mosaic.task.type=...`); the converter reads no other `mosaic.*` key.
 */
export const TASK_RECORD_RESOURCE_KEYS: readonly string[] = [
  'service.name',
  ...TASK_SPAN_ATTRIBUTE_ALLOWLIST.filter((key) => key.startsWith('mosaic.')),
];

import {
  TASK_COMPLETION_EVENT_FIELDS,
  type TaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';

/** The keys a batch body holds, in wire order: the schema's one list of event fields. */
const BODY_KEYS: readonly string[] = ['events', ...TASK_COMPLETION_EVENT_FIELDS];

/**
 * The request body `{"events":[...]}` for `events`: `JSON.stringify` with the schema's list of
 * event fields (`TASK_COMPLETION_EVENT_FIELDS`), which fixes their order and leaves out any key
 * that is not an event field.
 */
export function eventBatchJson(events: readonly TaskCompletionEvent[]): string {
  return JSON.stringify({ events }, BODY_KEYS as string[]);
}

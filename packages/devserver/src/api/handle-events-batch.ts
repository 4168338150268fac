import {
  MAX_EVENTS_PER_BATCH,
  type TaskCompletionEvent,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { readBatchItems } from './read-batch-items.js';
import { errorReply, type JsonReply } from './send-json.js';
import type { ServerContext } from './server-context.js';

/** Per-event verdict; `event_id` is null when the event carried no string id. */
interface EventResult {
  event_id: string | null;
  status: 'accepted' | 'rejected';
  error: string | null;
}

const idOf = (event: unknown): string | null => {
  const id = (event as { event_id?: unknown } | null)?.event_id;
  return typeof id === 'string' ? id : null;
};

/** Index of the first event claiming another instance than the key's, or -1. */
function foreignEventIndex(events: readonly unknown[], instanceId: string): number {
  const own = instanceId.toLowerCase();
  return events.findIndex((event) => {
    const claimed = (event as { instance_id?: unknown } | null)?.instance_id;
    return typeof claimed === 'string' && claimed.toLowerCase() !== own;
  });
}

/**
 * `POST /v1/events/batch` after auth and parsing: 403 when any event belongs to another instance,
 * else each event validated and stored on its own (partial success).
 */
export function handleEventsBatch(
  body: unknown,
  instanceId: string,
  ctx: ServerContext,
): JsonReply {
  const events = readBatchItems(body, 'events', MAX_EVENTS_PER_BATCH);
  if (typeof events === 'string') return errorReply(400, events);
  const foreign = foreignEventIndex(events, instanceId);
  if (foreign !== -1) {
    return errorReply(403, `events[${foreign}].instance_id: does not match the API key's instance`);
  }

  const results: EventResult[] = [];
  const valid: { index: number; event: TaskCompletionEvent }[] = [];
  events.forEach((event, index) => {
    const problems = validateTaskCompletionEvent(event);
    if (problems.length > 0) {
      results[index] = { event_id: idOf(event), status: 'rejected', error: problems.join('; ') };
    } else {
      valid.push({ index, event: event as TaskCompletionEvent });
    }
  });
  const stored = ctx.store.insertMany(valid.map((v) => v.event));
  valid.forEach(({ index, event }, i) => {
    results[index] = stored[i]
      ? { event_id: event.event_id, status: 'accepted', error: null }
      : { event_id: event.event_id, status: 'rejected', error: 'duplicate event_id' };
  });

  const accepted = results.filter((r) => r.status === 'accepted').length;
  const rejected = results.length - accepted;
  if (accepted > 0) {
    ctx.cache.clear();
    ctx.folder.touch();
  }
  ctx.stats.eventsAccepted += accepted;
  ctx.stats.eventsRejected += rejected;
  return { status: 200, body: { accepted, rejected, results } };
}

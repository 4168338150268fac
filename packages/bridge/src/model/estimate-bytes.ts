import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { HeldSpan } from './held-span.js';
import type { KeyedRequest } from './keyed-request.js';
import type { TaskActivity } from './task-activity.js';

/** A small object's header and fields on a 64-bit V8 heap, roughly. */
const OBJECT_BYTES = 64;
/** A string's header. */
const STRING_HEADER_BYTES = 16;
/** One Map or object entry beyond its key and value (slot, hash, pointers). */
const ENTRY_BYTES = 32;

/** A string's bytes, at two per UTF-16 code unit (an upper bound: ASCII takes one). */
export const stringBytes = (value: string): number => STRING_HEADER_BYTES + 2 * value.length;

/** An attribute value's bytes. */
function valueBytes(value: AttributeValue | undefined): number {
  if (typeof value === 'string') return stringBytes(value);
  if (!Array.isArray(value)) return 8;
  let bytes = OBJECT_BYTES;
  for (const item of value) bytes += typeof item === 'string' ? stringBytes(item) : 8;
  return bytes;
}

/** The bytes an attribute object holds, its keys and values included. */
export function attributesBytes(attrs: Attributes): number {
  let bytes = OBJECT_BYTES;
  for (const key in attrs) bytes += ENTRY_BYTES + stringBytes(key) + valueBytes(attrs[key]);
  return bytes;
}

/** A span id (16 hex characters). */
const SPAN_ID_BYTES = stringBytes('0123456789abcdef');

/** One parent link a trace holds: the span id, its parent's id and the Map entry. */
export const LINK_BYTES = ENTRY_BYTES + 2 * SPAN_ID_BYTES;

/** An open trace before its first span: the view, its two Maps and its id. */
export const TRACE_BYTES = ENTRY_BYTES + 3 * OBJECT_BYTES + stringBytes('0'.repeat(32));

/** The bytes a tool call's reduced activity holds: its id, its gate run or its files' keys. */
function activityBytes(activity: TaskActivity): number {
  let bytes = OBJECT_BYTES + stringBytes(activity.id);
  if (activity.files !== undefined) {
    bytes += OBJECT_BYTES;
    for (const file of activity.files) bytes += OBJECT_BYTES + stringBytes(file.path);
  }
  if (activity.gateRun !== undefined) {
    bytes += 2 * OBJECT_BYTES;
    for (const gate of activity.gateRun.gates) bytes += stringBytes(gate);
  }
  return bytes;
}

/**
 * The bytes a span record holds beyond its parent link, its resource's attributes left out (a
 * resource is shared by the spans of one request: see `OpenTraces`), its tool call's activity in.
 */
export function spanRecordBytes(span: HeldSpan): number {
  return (
    ENTRY_BYTES +
    OBJECT_BYTES +
    stringBytes(span.name) +
    (span.scopeName === undefined ? 0 : stringBytes(span.scopeName)) +
    attributesBytes(span.attributes) +
    (span.activity === undefined ? 0 : activityBytes(span.activity))
  );
}

/** The bytes one keyed record adds to its task: its request's numbers and id, or its activity. */
export function keyedRequestBytes(r: KeyedRequest): number {
  let bytes = 0;
  if (r.request !== undefined) {
    bytes += ENTRY_BYTES + OBJECT_BYTES + stringBytes(r.request.id);
    if (r.request.model !== undefined) bytes += stringBytes(r.request.model);
  }
  if (r.activity !== undefined) bytes += ENTRY_BYTES + activityBytes(r.activity);
  if (r.coverKey !== undefined) bytes += ENTRY_BYTES + stringBytes(r.coverKey);
  return bytes;
}

/** The bytes a keyed task holds before its first record: its key, ids and resource attributes. */
export function keyedTaskBytes(r: KeyedRequest): number {
  return (
    ENTRY_BYTES +
    4 * OBJECT_BYTES +
    stringBytes(r.source) +
    2 * (stringBytes(r.sessionId) + stringBytes(r.promptId)) +
    attributesBytes(r.resourceAttributes)
  );
}

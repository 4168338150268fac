import type { Attributes } from '@opentelemetry/api';
import { keyedRequestBytes, keyedTaskBytes } from '../model/estimate-bytes.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { ModelRequest } from '../model/model-request.js';
import type { TaskActivity } from '../model/task-activity.js';
import type { TaskDraft } from '../model/task-draft.js';

/** A task known by (session, prompt): its requests from logs and from spans, each kept once. */
export class KeyedTask {
  readonly source: string;
  readonly sessionId: string;
  readonly promptId: string;
  readonly resourceAttributes: Attributes;
  readonly fromLogs = new Map<string, ModelRequest>();
  readonly fromSpans = new Map<string, ModelRequest>();
  /** Its tool calls' reduced activity (gates, file language keys), each kept once. */
  readonly activities = new Map<string, TaskActivity>();
  /** Keys of the traced report of the same task that its records name (see `KeyedRequest`). */
  readonly coverKeys = new Set<string>();
  /** The traced report of the same task, which it joins when it closes (see `TaskDraft.covers`). */
  traced: TaskDraft | undefined;
  /** Wall-clock ms of the first and the last record received. */
  readonly firstSeenMs: number;
  lastSeenMs: number;
  /** The bytes it holds, estimated as records are kept (`estimate-bytes`). */
  bytes: number;

  constructor(first: KeyedRequest, nowMs: number) {
    this.bytes = keyedTaskBytes(first);
    this.source = first.source;
    this.sessionId = first.sessionId;
    this.promptId = first.promptId;
    this.resourceAttributes = first.resourceAttributes;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
  }

  /** Adds a record (a duplicate id is ignored: the same record exported twice counts once). */
  add(r: KeyedRequest, nowMs: number): void {
    const before = this.size + this.coverKeys.size;
    if (r.request !== undefined) {
      (r.from === 'logs' ? this.fromLogs : this.fromSpans).set(r.request.id, r.request);
    }
    if (r.activity !== undefined) this.activities.set(r.activity.id, r.activity);
    if (r.coverKey !== undefined) this.coverKeys.add(r.coverKey);
    // A record seen before replaces its copy: it adds no bytes.
    if (this.size + this.coverKeys.size > before) this.bytes += keyedRequestBytes(r);
    this.lastSeenMs = nowMs;
  }

  /** The requests that count: log records when there are any, else spans. */
  requests(): Iterable<ModelRequest> {
    return this.fromLogs.size > 0 ? this.fromLogs.values() : this.fromSpans.values();
  }

  get size(): number {
    return this.fromLogs.size + this.fromSpans.size + this.activities.size;
  }
}

import type { Attributes } from '@opentelemetry/api';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { ModelRequest } from '../model/model-request.js';

/** A task known by (session, prompt): its requests from logs and from spans, each kept once. */
export class KeyedTask {
  readonly source: string;
  readonly sessionId: string;
  readonly promptId: string;
  readonly resourceAttributes: Attributes;
  readonly fromLogs = new Map<string, ModelRequest>();
  readonly fromSpans = new Map<string, ModelRequest>();
  /** Keys of the traced report of the same task that its records name (see `KeyedRequest`). */
  readonly coverKeys = new Set<string>();
  /** Wall-clock ms of the first and the last record received. */
  readonly firstSeenMs: number;
  lastSeenMs: number;

  constructor(first: KeyedRequest, nowMs: number) {
    this.source = first.source;
    this.sessionId = first.sessionId;
    this.promptId = first.promptId;
    this.resourceAttributes = first.resourceAttributes;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
  }

  /** Adds a request (a duplicate id is ignored: the same record exported twice counts once). */
  add(r: KeyedRequest, nowMs: number): void {
    (r.from === 'logs' ? this.fromLogs : this.fromSpans).set(r.request.id, r.request);
    if (r.coverKey !== undefined) this.coverKeys.add(r.coverKey);
    this.lastSeenMs = nowMs;
  }

  /** The requests that count: log records when there are any, else spans. */
  requests(): Iterable<ModelRequest> {
    return this.fromLogs.size > 0 ? this.fromLogs.values() : this.fromSpans.values();
  }

  get size(): number {
    return this.fromLogs.size + this.fromSpans.size;
  }
}

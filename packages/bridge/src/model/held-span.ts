import type { SpanRecord } from './exporter-core.js';
import type { TaskActivity } from './task-activity.js';

/**
 * A span record as the bridge holds it with its trace: the free text of a tool call (its
 * arguments and output) was reduced to the call's activity as the span was decoded, and dropped.
 */
export interface HeldSpan extends SpanRecord {
  /** The tool call's gates or touched files (`Source.spanActivity`), if it was one. */
  readonly activity?: TaskActivity | undefined;
}

import type { SpanRecord } from './exporter-core.js';
import type { KeptAttributes } from './kept-attributes.js';
import type { TaskActivity } from './task-activity.js';

/** Which spans some source reads: asked on the decode path, and again for each decoded span. */
export interface SpanFilter {
  /** Whether a source reads spans of this name whatever their attributes. */
  isRelevantName(name: string): boolean;
  /** Whether a source reads spans with this attribute key (text, or its UTF-8 bytes). */
  isRelevantKey(key: unknown): boolean;
  /** Whether a source may read this span's record; the others are kept only as a parent link. */
  isRelevantSpan(span: SpanRecord): boolean;
  /**
   * A decoded span's tool call reduced to its activity (from its `kept.spanText` keys) by the
   * first source that reads it as one, before that text is dropped.
   */
  spanActivity(span: SpanRecord): TaskActivity | undefined;
  /** The attributes kept of the records it lets through, and of their resources. */
  readonly kept: KeptAttributes;
}

import type { AttributeValue } from '@opentelemetry/api';

/** What a span attribute value is held as (see `KeptAttributes.spanReduced`). */
export type ValueReducer = (value: AttributeValue) => AttributeValue | undefined;

/**
 * Which attributes the decode path keeps, each key with the longest string value kept of it: the
 * keys some source (or the task record) declares it reads, nothing else. Kept values are cut to
 * `MAX_KEPT_VALUE_CHARS` (arrays to `MAX_KEPT_ARRAY_ITEMS` items), except the free text a source
 * reads at once and reduces (tool arguments and output, of a log record or a span):
 * `MAX_KEPT_TEXT_CHARS`, and never held past that read.
 */
export interface KeptAttributes {
  /** Span attribute keys some source reads, its free text (`spanText`) included. */
  readonly span: ReadonlyMap<string, number>;
  /**
   * Span keys of free text, read as the span is decoded (`SpanFilter.spanActivity`) and then
   * dropped from its record.
   */
  readonly spanText: ReadonlySet<string>;
  /**
   * Span keys read in full as the span is decoded and held only as what their function makes of
   * them (`Source.reads.reducedKeys`).
   */
  readonly spanReduced: ReadonlyMap<string, ValueReducer>;
  /** Log record attribute keys some source reads, its free text included. */
  readonly log: ReadonlyMap<string, number>;
  /** Resource attribute keys some source or the task record reads. */
  readonly resource: ReadonlyMap<string, number>;
}

/** Longest kept string value, in UTF-16 code units (ids, model names and task fields are shorter). */
export const MAX_KEPT_VALUE_CHARS = 1024;

/** Longest kept free text of a log record or span (as long as the tool JSON a source parses). */
export const MAX_KEPT_TEXT_CHARS = 256 * 1024;

/** Most items kept of an array value (gate lists hold at most six). */
export const MAX_KEPT_ARRAY_ITEMS = 64;

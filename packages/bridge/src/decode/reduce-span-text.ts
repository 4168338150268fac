import type { Attributes } from '@opentelemetry/api';
import type { SpanRecord } from '../model/exporter-core.js';
import type { HeldSpan } from '../model/held-span.js';
import type { SpanFilter } from '../model/span-filter.js';

/**
 * A decoded span as it is held: free text a source reads of it (`filter.kept.spanText`: tool
 * arguments and output) reduced to its tool call's activity (`filter.spanActivity`) and dropped
 * from its attributes; a span without such text as it is.
 */
export function reduceSpanText(span: SpanRecord, filter: SpanFilter): HeldSpan {
  const text = filter.kept.spanText;
  let hasText = false;
  for (const key of text) {
    if (span.attributes[key] !== undefined) {
      hasText = true;
      break;
    }
  }
  if (!hasText) return span;
  // Copied: a string of it (a file's key) may be a slice of the text, keeping all of it alive.
  const activity = structuredClone(filter.spanActivity(span));
  const attributes: Attributes = {};
  for (const key in span.attributes) {
    if (!text.has(key)) attributes[key] = span.attributes[key];
  }
  return { ...span, attributes, activity };
}

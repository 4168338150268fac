import type { Attributes } from '@opentelemetry/api';
import type { SpanRecord } from '../model/exporter-core.js';
import type { HeldSpan } from '../model/held-span.js';
import type { SpanFilter } from '../model/span-filter.js';

/**
 * A decoded span as it is held: free text a source reads of it (`filter.kept.spanText`: tool
 * arguments and output) reduced to its tool call's activity (`filter.spanActivity`) and dropped
 * from its attributes; values a source reads part of (`filter.kept.spanReduced`: provider
 * metadata) replaced by that part, or dropped; a span with neither as it is.
 */
export function reduceSpanText(span: SpanRecord, filter: SpanFilter): HeldSpan {
  const { spanText: text, spanReduced: reduced } = filter.kept;
  let hasText = false;
  for (const key of text) {
    if (span.attributes[key] !== undefined) {
      hasText = true;
      break;
    }
  }
  let hasReduced = false;
  for (const key of reduced.keys()) {
    if (span.attributes[key] !== undefined) {
      hasReduced = true;
      break;
    }
  }
  if (!hasText && !hasReduced) return span;
  // Copied: a string of it (a file's key) may be a slice of the text, keeping all of it alive.
  const activity = hasText ? structuredClone(filter.spanActivity(span)) : undefined;
  const attributes: Attributes = {};
  for (const key in span.attributes) {
    const value = span.attributes[key];
    if (value === undefined || text.has(key)) continue;
    const reduce = reduced.get(key);
    const held = reduce === undefined ? value : reduce(value);
    if (held !== undefined) attributes[key] = held;
  }
  return hasText ? { ...span, attributes, activity } : { ...span, attributes };
}

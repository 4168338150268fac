import type { SpanRecord } from '../model/exporter-core.js';
import {
  type KeptAttributes,
  MAX_KEPT_TEXT_CHARS,
  MAX_KEPT_VALUE_CHARS,
} from '../model/kept-attributes.js';
import type { SpanFilter } from '../model/span-filter.js';
import type { TaskActivity } from '../model/task-activity.js';
import type { Source } from './source.js';

/** A table of 0/1 by index, sized to hold every index given. */
function table(indexes: readonly number[], minSize: number): Uint8Array {
  const out = new Uint8Array(Math.max(minSize, ...indexes.map((i) => i + 1)));
  for (const i of indexes) out[i] = 1;
  return out;
}

/** Keys, each with the longest value kept of it. */
const capped = (keys: Iterable<string>, maxChars: number): [string, number][] =>
  [...keys].map((key) => [key, maxChars]);

/**
 * The attributes kept, from what the sources declare they read (`Source.reads`) and the resource
 * keys the task record reads of every task (`resourceKeys`). A source added later is kept by
 * declaring its keys.
 */
export function buildKeptAttributes(
  sources: readonly Source[],
  resourceKeys: readonly string[],
): KeptAttributes {
  const reads = sources.map((s) => s.reads);
  const record = new Set(reads.flatMap((r) => [...(r.attributeKeys ?? []), ...(r.keys ?? [])]));
  // The decode path reads `event.name` to find a log record's source.
  const log = new Map([
    ...capped(
      reads.flatMap((r) => r.logTextKeys ?? []),
      MAX_KEPT_TEXT_CHARS,
    ),
    ...capped([...record, 'event.name'], MAX_KEPT_VALUE_CHARS),
  ]);
  // A span text key is read as the span is decoded and dropped then: no later read finds it.
  const spanText = new Set(reads.flatMap((r) => r.spanTextKeys ?? []));
  // A reduced value is read whole, as text is, and held as its reduction.
  const spanReduced = new Map(reads.flatMap((r) => Object.entries(r.reducedKeys ?? {})));
  return {
    span: new Map([
      ...capped(record, MAX_KEPT_VALUE_CHARS),
      ...capped([...spanText, ...spanReduced.keys()], MAX_KEPT_TEXT_CHARS),
    ]),
    spanText,
    spanReduced,
    log,
    resource: new Map(
      capped(
        [...resourceKeys, ...reads.flatMap((r) => r.resourceKeys ?? [])],
        MAX_KEPT_VALUE_CHARS,
      ),
    ),
  };
}

/**
 * The decode path's filter, from what the sources declare they read (`Source.reads`), and the
 * sources' reduction of a tool call span (`Source.spanActivity`, in precedence order). Most
 * decoded strings are ruled out without hashing them: span names by length (or a prefix's first
 * character); attribute keys (every key of every span passes here) by a table by length and one
 * by first character (low 7 bits; a false match only costs the Set lookup): array reads are
 * cheaper than a Set lookup, and tracing spans' common keys (`code.module.name`) share a length
 * with some of the sources'.
 */
export function buildSpanFilter(
  sources: readonly Source[],
  resourceKeys: readonly string[],
): SpanFilter {
  const names = new Set(sources.flatMap((s) => s.reads.spanNames ?? []));
  const prefixes = [...new Set(sources.flatMap((s) => s.reads.spanNamePrefixes ?? []))];
  const keys = new Set(sources.flatMap((s) => s.reads.attributeKeys ?? []));
  const nameLengths: ReadonlySet<number> = new Set([...names].map((n) => n.length));
  const prefixFirst = table(
    prefixes.map((p) => p.charCodeAt(0) & 127),
    128,
  );
  const keyLengths = table(
    [...keys].map((k) => k.length),
    64,
  );
  const keyFirst = table(
    [...keys].map((k) => k.charCodeAt(0) & 127),
    128,
  );

  const isRelevantName = (name: string): boolean => {
    if (prefixFirst[name.charCodeAt(0) & 127] === 1) {
      for (const p of prefixes) if (name.startsWith(p)) return true;
    }
    return nameLengths.has(name.length) && names.has(name);
  };
  /**
   * Text, or the key's UTF-8 bytes as the bridge's protobuf span head gives them (the declared
   * keys are ASCII, so a byte-for-byte latin1 reading of the bytes equals one of them exactly when
   * the UTF-8 text does).
   */
  const isRelevantKey = (key: unknown): boolean => {
    if (typeof key === 'string') {
      return (
        keyLengths[key.length] === 1 && keyFirst[key.charCodeAt(0) & 127] === 1 && keys.has(key)
      );
    }
    return (
      key instanceof Uint8Array &&
      keyLengths[key.length] === 1 &&
      keyFirst[(key[0] as number) & 127] === 1 &&
      keys.has(Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1'))
    );
  };
  const isRelevantSpan = (span: SpanRecord): boolean => {
    if (isRelevantName(span.name)) return true;
    for (const key in span.attributes) if (keys.has(key)) return true;
    return false;
  };
  const reducers = sources.flatMap((s) => (s.spanActivity === undefined ? [] : [s]));
  const spanActivity = (span: SpanRecord): TaskActivity | undefined => {
    for (const s of reducers) {
      const activity = s.spanActivity?.(span);
      if (activity !== undefined) return activity;
    }
    return undefined;
  };
  return {
    isRelevantName,
    isRelevantKey,
    isRelevantSpan,
    spanActivity,
    kept: buildKeptAttributes(sources, resourceKeys),
  };
}

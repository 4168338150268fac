import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { MAX_KEPT_ARRAY_ITEMS } from '../model/kept-attributes.js';
import { int64ToNumber } from './nanos-to-millis.js';

/** OTLP `AnyValue`, as protobufjs decodes it or as OTLP/JSON writes it. */
interface AnyValueLike {
  readonly value?: string;
  readonly stringValue?: unknown;
  readonly boolValue?: unknown;
  readonly intValue?: unknown;
  readonly doubleValue?: unknown;
  readonly arrayValue?: { readonly values?: readonly AnyValueLike[] | null } | null;
}

/** OTLP `KeyValue`. */
export interface KeyValueLike {
  readonly key?: unknown;
  readonly value?: AnyValueLike | null;
}

type Primitive = string | number | boolean;

function primitive(v: AnyValueLike): Primitive | undefined {
  // protobufjs messages name the set member of the oneof in `value` (defaults sit on the
  // prototype); OTLP/JSON objects only have the member that is set.
  const which = typeof v.value === 'string' ? v.value : undefined;
  if (which === undefined || which === 'stringValue') {
    if (typeof v.stringValue === 'string') return v.stringValue;
  }
  if (which === undefined || which === 'intValue') {
    const n = v.intValue === undefined ? undefined : int64ToNumber(v.intValue);
    if (n !== undefined) return n;
  }
  if (which === undefined || which === 'doubleValue') {
    const d = v.doubleValue;
    if (typeof d === 'number') return d;
    if (typeof d === 'string' && d !== '' && !Number.isNaN(Number(d))) return Number(d);
  }
  if (which === undefined || which === 'boolValue') {
    if (typeof v.boolValue === 'boolean') return v.boolValue;
  }
  return undefined;
}

/** An attribute value: a primitive, or a homogeneous-enough array of primitives; else undefined. */
export function readAnyValue(v: AnyValueLike | null | undefined): AttributeValue | undefined {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  const which = typeof v.value === 'string' ? v.value : undefined;
  if ((which === undefined || which === 'arrayValue') && v.arrayValue) {
    const values = v.arrayValue.values;
    if (!Array.isArray(values)) return [];
    const out: Primitive[] = [];
    for (const item of values) {
      const p = item === null || typeof item !== 'object' ? undefined : primitive(item);
      if (p !== undefined) out.push(p);
    }
    return out as AttributeValue;
  }
  return primitive(v);
}

/**
 * A string cut to `maxChars`, copied: V8 may keep a long string alive behind a short slice of it,
 * and the long one is what must not stay.
 */
export function cutString(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  return Buffer.from(value.slice(0, maxChars), 'utf8').toString('utf8');
}

/** A kept value: strings cut to `maxChars`, arrays to `MAX_KEPT_ARRAY_ITEMS` items. */
function capValue(value: AttributeValue, maxChars: number): AttributeValue {
  if (typeof value === 'string') return cutString(value, maxChars);
  if (!Array.isArray(value)) return value;
  const items = value.length > MAX_KEPT_ARRAY_ITEMS ? value.slice(0, MAX_KEPT_ARRAY_ITEMS) : value;
  return items.map((v) => (typeof v === 'string' ? cutString(v, maxChars) : v)) as AttributeValue;
}

/**
 * OTLP `KeyValue[]` as OTel `Attributes`, keeping only the keys of `kept`, each value cut to the
 * length `kept` gives its key. Values that are no attribute value (kvlists, bytes, empty) are left
 * out: no task field is ever one of them.
 */
export function readAttributes(
  list: readonly KeyValueLike[] | null | undefined,
  kept: ReadonlyMap<string, number>,
): Attributes {
  const attrs: Attributes = {};
  if (!Array.isArray(list)) return attrs;
  for (const kv of list) {
    if (kv === null || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    const cap = kept.get(kv.key);
    if (cap === undefined) continue;
    const value = readAnyValue(kv.value);
    if (value !== undefined) attrs[kv.key] = capValue(value, cap);
  }
  return attrs;
}

/** Every attribute of an OTLP `KeyValue[]`, each value cut to `maxChars` (for a digest, not kept). */
export function readEveryAttribute(
  list: readonly KeyValueLike[] | null | undefined,
  maxChars: number,
): Attributes {
  const attrs: Attributes = {};
  if (!Array.isArray(list)) return attrs;
  for (const kv of list) {
    if (kv === null || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    const value = readAnyValue(kv.value);
    if (value !== undefined) attrs[kv.key] = capValue(value, maxChars);
  }
  return attrs;
}

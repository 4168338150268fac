import protobuf, { type INamespace } from 'protobufjs';
import { OTLP_DESCRIPTOR } from './otlp-descriptor.js';

type Fields = Record<string, { id: number; type: string; rule?: string }>;
interface Node {
  nested?: Record<string, Node>;
  fields?: Fields;
}

function at(root: Node, path: string): Node {
  let node = root;
  for (const part of path.split('.')) {
    const next = node.nested?.[part];
    if (next === undefined) throw new Error(`the OTLP descriptor has no ${path}`);
    node = next;
  }
  return node;
}

function pick(fields: Fields | undefined, names: readonly string[]): Fields {
  const out: Fields = {};
  for (const name of names) {
    const field = fields?.[name];
    if (field === undefined) throw new Error(`the OTLP descriptor has no field ${name}`);
    out[name] = { ...field };
  }
  return out;
}

/**
 * The official descriptor with two views added, so that protobufjs, not code of ours, reads the
 * wire: `ScopeSpans.spans` as `bytes` (protobuf lets an embedded message be read as the bytes
 * that encode it), and `SpanHead`, the fields of `Span` that say which span it is and whether a
 * source reads it (ids, name, attribute keys as bytes via `KeyOnly`). Field numbers and types are copied
 * from the official definitions; a field a view leaves out is skipped by protobufjs as unknown.
 */
function lazyDescriptor(): INamespace {
  const root = structuredClone(OTLP_DESCRIPTOR) as Node;
  const trace = at(root, 'opentelemetry.proto.trace.v1');
  const common = at(root, 'opentelemetry.proto.common.v1');
  const scopeSpans = at(trace, 'ScopeSpans');
  const span = at(trace, 'Span');
  const keyValue = at(common, 'KeyValue');
  if (scopeSpans.fields?.spans === undefined || trace.nested === undefined) {
    throw new Error('the OTLP descriptor has no ScopeSpans.spans');
  }
  scopeSpans.fields.spans = { ...scopeSpans.fields.spans, type: 'bytes' };
  const head = pick(span.fields, ['traceId', 'spanId', 'parentSpanId', 'name', 'attributes']);
  head.attributes = { ...(head.attributes as Fields[string]), type: 'KeyOnly' };
  trace.nested.SpanHead = { fields: head };
  // The key's UTF-8 bytes (`string` and `bytes` share the wire type): a Buffer view is cheaper
  // than decoding the text, and source keys are ASCII, compared as such (`isRelevantKey`).
  const key = pick(keyValue.fields, ['key']);
  key.key = { ...(key.key as Fields[string]), type: 'bytes' };
  trace.nested.KeyOnly = { fields: key };
  return root as INamespace;
}

const root = protobuf.Root.fromJSON(lazyDescriptor());
const v1 = 'opentelemetry.proto.trace.v1';

/**
 * The message types the bridge decodes traces with: the request with each span left as bytes,
 * the head of a span, and the whole official `Span` for the spans a source reads. Most spans of
 * a coding CLI's trace (a Codex turn: about 520 of 540) are tracing internals no source reads;
 * for them only the head is decoded, and their attribute values, times, events and links never
 * become objects.
 */
export const LazyTraceTypes = {
  request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
  spanHead: root.lookupType(`${v1}.SpanHead`),
  span: root.lookupType(`${v1}.Span`),
} as const;

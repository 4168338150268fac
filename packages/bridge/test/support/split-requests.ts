import { createHash } from 'node:crypto';
import { type CapturedRequest, toProtobuf } from './captures.js';

type KeyValue = { key: string; value: { stringValue?: string } };
type Resource = { resource?: { attributes?: KeyValue[] } };
type SpansOfResource = Resource & { scopeSpans: Array<{ spans: Array<{ traceId: string }> }> };
type LogsOfResource = Resource;

/** Which of `n` backends a routing key goes to (as a load balancer hashes it). */
export const routeOf = (key: string, n: number): number =>
  createHash('sha256').update(key).digest().readUInt32BE(0) % n;

/** A changed copy of a captured request, re-encoded as the CLI sent it. */
export function reencoded(r: CapturedRequest, json: Record<string, unknown>): CapturedRequest {
  const body = r.contentType.includes('protobuf')
    ? toProtobuf(r.signal, json)
    : Buffer.from(JSON.stringify(json));
  return { ...r, json, body };
}

/** The `service.name` of a resource entry. */
export function serviceOf(entry: Resource): string {
  const attr = entry.resource?.attributes?.find((a) => a.key === 'service.name');
  return attr?.value.stringValue ?? '';
}

/**
 * A traces or logs request cut into `n` parts (one per backend), each resource entry, or each span
 * of it, sent where `backendOf` says; a part that holds nothing is left out (undefined).
 */
export function splitRequest(
  r: CapturedRequest,
  n: number,
  backendOf: (entry: Resource, traceId: string | undefined) => number,
): Array<CapturedRequest | undefined> {
  const key = r.signal === 'traces' ? 'resourceSpans' : 'resourceLogs';
  return Array.from({ length: n }, (_, i) => {
    const body = structuredClone(r.json) as Record<string, unknown>;
    const entries = (body[key] ?? []) as Array<SpansOfResource | LogsOfResource>;
    const kept: Array<SpansOfResource | LogsOfResource> = [];
    for (const entry of entries) {
      if (r.signal === 'traces') {
        const spans = entry as SpansOfResource;
        for (const ss of spans.scopeSpans) {
          ss.spans = ss.spans.filter((s) => backendOf(entry, s.traceId) === i);
        }
        if (spans.scopeSpans.some((ss) => ss.spans.length > 0)) kept.push(entry);
      } else if (backendOf(entry, undefined) === i) {
        kept.push(entry);
      }
    }
    if (kept.length === 0) return undefined;
    body[key] = kept;
    return reencoded(r, body);
  });
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSpans } from '../src/decode/decode-spans.js';
import { LazyTraceTypes } from '../src/decode/lazy-trace-types.js';
import { OtlpTypes } from '../src/decode/otlp-root.js';
import { SPAN_FILTER } from '../src/sources/index.js';
import { startBridge } from '../src/start-bridge.js';
import { loadCapture, toProtobuf } from './support/captures.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';

/** What the bridge decodes (spans as bytes, heads first) next to a whole official decode. */
function bothWays(body: Buffer) {
  return {
    lazy: decodeSpans(LazyTraceTypes.request.decode(body), SPAN_FILTER),
    full: decodeSpans(OtlpTypes.traceRequest.decode(body), SPAN_FILTER),
  };
}

const RUNS = [
  ['claude', 'run1'],
  ['claude', 'run2-protobuf'],
  ['claude', 'run4-errors'],
  ['codex', 'run1'],
  ['codex', 'run2-protobuf'],
  ['gemini', 'run1'],
  ['opencode', 'run2-fastflush'],
  ['opencode', 'run4-errors'],
] as const;

describe('lazy span decoding', () => {
  it('gives every captured trace request the same records and links as a whole decode', () => {
    let records = 0;
    let links = 0;
    for (const [cli, run] of RUNS) {
      for (const r of loadCapture(cli, run)) {
        if (r.signal !== 'traces') continue;
        const { lazy, full } = bothWays(toProtobuf('traces', r.json));
        expect(lazy, `${cli}/${run}`).toEqual(full);
        records += lazy.records.length;
        links += lazy.links.length / 3;
      }
    }
    // Both kinds occur: spans a dialect reads (whole) and spans kept as parent links.
    expect(records).toBeGreaterThan(50);
    expect(links).toBeGreaterThan(1000);
  });

  it('agrees with a whole decode on generated spans, keys that look like dialect keys included', () => {
    const key = fc.oneof(
      fc.constantFrom(
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.input_tokenz',
        'gen_ai.operation.name',
        'mosaic.task.type',
        'mosaic.task.typé',
        'llm.request.type',
        'code.module.name',
        'openinference.span.kind',
        '',
      ),
      fc.string({ maxLength: 70 }),
    );
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    );
    const spanArb = fc.record({
      name: fc.oneof(
        fc.constantFrom('turn/start', 'session_task.turn', 'handle_responses', 'ai.generateText'),
        fc.string(),
      ),
      attributes: fc.dictionary(key, value, { maxKeys: 6 }),
      child: fc.boolean(),
      status: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(spanArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const traceId = hex(16);
        const root = hex(8);
        const spans = specs.map((s, i) =>
          span({
            traceId,
            spanId: i === 0 ? root : hex(8),
            parentSpanId: i > 0 && s.child ? root : undefined,
            name: s.name,
            status: s.status,
            attributes: s.attributes,
          }),
        );
        const body = toProtobuf('traces', tracesRequest({ 'service.name': 'svc' }, spans));
        const { lazy, full } = bothWays(body);
        expect(lazy).toEqual(full);
        expect(lazy.records.length + lazy.links.length / 3).toBe(specs.length);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses and counts a span whose bytes are no Span, keeps the others, and says why', async () => {
    const traceId = hex(16);
    const good = OtlpTypes.traceRequest.decode(
      toProtobuf(
        'traces',
        tracesRequest({}, [span({ traceId, name: 'ai.generateText', attributes: { a: 1 } })]),
      ),
    ) as unknown as { resourceSpans: { scopeSpans: { spans: object[] }[] }[] };
    const goodSpan = good.resourceSpans[0]?.scopeSpans[0]?.spans[0] as object;
    const spanType = OtlpTypes.traceRequest.lookupType('opentelemetry.proto.trace.v1.Span');
    const goodBytes = spanType.encode(goodSpan).finish();
    // A valid envelope around a truncated span: field 1 (traceId) says 16 bytes, 2 follow.
    const broken = Uint8Array.from([0x0a, 0x10, 0x01, 0x02]);
    const body = Buffer.from(
      LazyTraceTypes.request
        .encode({ resourceSpans: [{ scopeSpans: [{ spans: [goodBytes, broken] }] }] })
        .finish(),
    );
    const decoded = decodeSpans(LazyTraceTypes.request.decode(body), SPAN_FILTER);
    expect(decoded.records.map((r) => r.name)).toEqual(['ai.generateText']);
    expect(decoded.rejected).toBe(1);
    expect(decoded.rejectReason).toBe('1 spans that are not a valid Span protobuf');

    const bridge = await startBridge({ port: 0, telemetry: { enabled: false } });
    try {
      const res = await postOtlp(bridge.url, '/v1/traces', body, {
        contentType: 'application/x-protobuf',
      });
      expect(res.status).toBe(200);
      const answer = OtlpTypes.traceResponse.toObject(OtlpTypes.traceResponse.decode(res.body), {
        longs: Number,
      });
      expect(answer).toEqual({
        partialSuccess: {
          rejectedSpans: 1,
          errorMessage: '1 spans that are not a valid Span protobuf',
        },
      });
      expect(bridge.stats.received.spans).toBe(1);
      expect(bridge.stats.dropped.invalidRecords).toBe(1);
    } finally {
      await bridge.close();
    }
  });

  it('reads dialect keys from text or from their UTF-8 bytes alike', () => {
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    for (const k of ['gen_ai.usage.input_tokens', 'mosaic.task.type', 'llm.request.type']) {
      expect(SPAN_FILTER.isRelevantKey(k)).toBe(true);
      expect(SPAN_FILTER.isRelevantKey(bytes(k))).toBe(true);
      expect(SPAN_FILTER.isRelevantKey(new Uint8Array(bytes(k)))).toBe(true);
    }
    for (const k of ['gen_ai.usage.input_tokenz', 'mosaic.task.typé', 'x'.repeat(70), '']) {
      expect(SPAN_FILTER.isRelevantKey(k)).toBe(false);
      expect(SPAN_FILTER.isRelevantKey(bytes(k))).toBe(false);
    }
    expect(SPAN_FILTER.isRelevantKey(42)).toBe(false);
  });
});

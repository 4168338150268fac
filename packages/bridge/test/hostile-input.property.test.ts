import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/recording-upstream.js';

const PATHS = ['/v1/traces', '/v1/logs', '/v1/metrics'] as const;
const TYPES = ['application/json', 'application/x-protobuf'] as const;

/** JSON that looks like OTLP but may hold anything in any place. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.constantFrom('', hex(16), hex(8), '18446744073709551615', '-1', 'NaN'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'resourceSpans',
        'resourceLogs',
        'resourceMetrics',
        'scopeSpans',
        'scopeLogs',
        'scopeMetrics',
        'spans',
        'logRecords',
        'metrics',
        'resource',
        'attributes',
        'key',
        'value',
        'stringValue',
        'intValue',
        'doubleValue',
        'boolValue',
        'arrayValue',
        'values',
        'traceId',
        'spanId',
        'parentSpanId',
        'name',
        'kind',
        'status',
        'code',
        'startTimeUnixNano',
        'endTimeUnixNano',
        'timeUnixNano',
        'observedTimeUnixNano',
        'body',
        'eventName',
        'sum',
        'dataPoints',
        'low',
        'high',
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('hostile OTLP input', () => {
  let bridge: Bridge;
  let upstream: RecordingUpstream;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    bridge = await startBridge({
      port: 0,
      taskIdleMs: 20,
      telemetry: {
        serverUrl: upstream.url,
        apiKey: 'cd'.repeat(32),
        instanceId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
      },
    });
  });
  afterAll(async () => {
    await bridge.close();
    await upstream.close();
  });

  it('answers any body with 200 or a 4xx naming the problem, and keeps working', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        fc.constantFrom(...TYPES),
        fc.oneof(
          hostileJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        ),
        fc.boolean(),
        async (path, contentType, body, gzip) => {
          const res = await postOtlp(bridge.url, path, body, { contentType, gzip });
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(res.body.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
    // Still healthy and still turning spans into tasks.
    const traceId = hex(16);
    const ok = await postOtlp(
      bridge.url,
      '/v1/traces',
      JSON.stringify(
        tracesRequest({ 'service.name': 'x' }, [
          span({ traceId, name: 'a', attributes: { 'gen_ai.operation.name': 'invoke_agent' } }),
        ]),
      ),
    );
    expect(ok.status).toBe(200);
    expect(bridge.stats.requestsRefused['500']).toBeUndefined();
    await bridge.close();
    // Whatever tasks the noise made were converted into valid events.
    const events = upstream.bodies.flatMap((b) => (JSON.parse(b) as { events: unknown[] }).events);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(validateTaskCompletionEvent(event)).toEqual([]);
  });
});

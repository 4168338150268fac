import { createHash } from 'node:crypto';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { type CapturedRequest, loadCapture, toProtobuf } from './support/captures.js';
import { postOtlp } from './support/post-otlp.js';

type Records = Array<Record<string, unknown>>;
interface TracesBody {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Records }> }>;
}
interface LogsBody {
  resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Records }> }>;
}

/** A changed copy of a captured request, re-encoded as the CLI sent it. */
function reencoded(r: CapturedRequest, json: Record<string, unknown>): CapturedRequest {
  const body = r.contentType.includes('protobuf')
    ? toProtobuf(r.signal, json)
    : Buffer.from(JSON.stringify(json));
  return { ...r, json, body };
}

/**
 * Another developer's Codex session without a trace exporter, at the same time as the captured
 * turn: the captured logs with no trace context and another conversation id.
 */
function logsOnlySession(r: CapturedRequest): CapturedRequest {
  const body = structuredClone(r.json) as unknown as LogsBody;
  for (const rl of body.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const l of sl.logRecords) {
        delete l.traceId;
        delete l.spanId;
        for (const a of l.attributes as Array<{ key: string; value: { stringValue?: string } }>) {
          if (a.key === 'conversation.id') a.value = { stringValue: 'logs-only-conversation' };
        }
      }
    }
  }
  return reencoded(r, body as unknown as Record<string, unknown>);
}

/** The part of a traces request whose spans' trace ids route to `bridge` of `n` (as a Collector's `loadbalancing` exporter with routing_key traceID does). */
function tracesFor(r: CapturedRequest, bridge: number, n: number): CapturedRequest | undefined {
  const body = structuredClone(r.json) as unknown as TracesBody;
  let kept = 0;
  for (const rs of body.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      ss.spans = ss.spans.filter((s) => routeOf(String(s.traceId), n) === bridge);
      kept += ss.spans.length;
    }
  }
  return kept === 0 ? undefined : reencoded(r, body as unknown as Record<string, unknown>);
}

const routeOf = (traceId: string, n: number) =>
  createHash('sha256').update(traceId).digest().readUInt32BE(0) % n;

/** Two Codex sessions whose turns were traced, and a logs-only session at the same time. */
const SESSION = [
  ...loadCapture('codex', 'run1'),
  ...loadCapture('codex', 'run2-protobuf'),
  ...loadCapture('codex', 'run2-protobuf')
    .filter((r) => r.signal === 'logs')
    .map(logsOnlySession),
];

/** What each of two bridges gets of the session. */
const SPLITS: ReadonlyArray<readonly [string, (r: CapturedRequest) => Array<CapturedRequest[]>]> = [
  ['traces to one bridge, logs to the other', (r) => (r.signal === 'logs' ? [[], [r]] : [[r], []])],
  ['everything to both bridges', (r) => [[r], [r]]],
  [
    'traces split by trace id over both, logs all to one (docs/collector.md)',
    (r) => {
      if (r.signal !== 'traces') return [[], [r]];
      return [0, 1].map((i) => {
        const part = tracesFor(r, i, 2);
        return part === undefined ? [] : [part];
      });
    },
  ],
];

describe('two bridges fed a split of Codex sessions', () => {
  let devserver: DevServer | undefined;
  const bridges: Bridge[] = [];
  afterEach(async () => {
    for (const b of bridges.splice(0)) await b.close();
    await devserver?.close();
    devserver = undefined;
  });

  /** Runs `n` bridges in front of a fresh devserver, feeds each its part, returns what is stored. */
  async function run(
    n: number,
    partsOf: (r: CapturedRequest) => Array<CapturedRequest[]>,
  ): Promise<{ events: TaskCompletionEvent[]; bridges: Bridge[] }> {
    devserver = await startDevServer({ rateLimit: false });
    const telemetry = {
      serverUrl: devserver.url,
      apiKey: devserver.apiKey,
      instanceId: devserver.instanceId,
    };
    const mine: Bridge[] = [];
    for (let i = 0; i < n; i++) {
      mine.push(await startBridge({ port: 0, host: '127.0.0.1', telemetry, taskIdleMs: 60_000 }));
    }
    bridges.push(...mine);
    for (const r of SESSION) {
      const parts = partsOf(r);
      for (let i = 0; i < n; i++) {
        for (const part of parts[i] ?? []) {
          const answer = await postOtlp(mine[i]?.url as string, `/v1/${part.signal}`, part.body, {
            contentType: part.contentType,
          });
          expect(answer.status).toBe(200);
        }
      }
    }
    for (const b of mine) await b.close();
    const events = devserver.listEvents();
    await devserver.close();
    devserver = undefined;
    return { events, bridges: mine };
  }

  const summary = (events: readonly TaskCompletionEvent[]) =>
    events.map((e) => `${e.event_id} ${e.actual_input_tokens}/${e.actual_output_tokens}`).sort();

  it('one bridge fed everything stores each turn and the logs-only session once', async () => {
    const {
      events,
      bridges: [one],
    } = await run(1, (r) => [[r]]);
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(3);
    expect(
      events.every((e) => e.actual_input_tokens === 4403 && e.actual_output_tokens === 90),
    ).toBe(true);
    expect(one?.stats.dropped.coveredByTraces).toBe(2);
  });

  for (const [name, partsOf] of SPLITS) {
    it(`stores each turn once, under the one-bridge event ids: ${name}`, async () => {
      const { events: expected } = await run(1, (r) => [[r]]);
      const { events } = await run(2, partsOf);
      expect(events).toHaveLength(3);
      expect(summary(events)).toEqual(summary(expected));
    });
  }
});

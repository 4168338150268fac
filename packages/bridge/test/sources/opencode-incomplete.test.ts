import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCOMPLETE_TASK_COUNTERS } from '../../src/sources/index.js';
import { openCode, openCodeIncompleteTasks } from '../../src/sources/opencode.js';
import { startBridge } from '../../src/start-bridge.js';
import type { Bridge } from '../../src/types.js';
import { type CapturedRequest, loadCapture, toProtobuf } from '../support/captures.js';
import { hex, span, tracesRequest } from '../support/otlp-json.js';
import { postOtlp } from '../support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from '../support/recording-upstream.js';
import { jsonRequest, tracesOf } from '../support/source-fixtures.js';

const API_KEY = 'ef'.repeat(32);
const INSTANCE = '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d';

type TracesBody = {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
};

/** The captured requests without the spans named `name` (as if OpenCode never exported them). */
function without(requests: readonly CapturedRequest[], name: string): CapturedRequest[] {
  return requests.map((r) => {
    if (r.signal !== 'traces') return r;
    const json = structuredClone(r.json) as TracesBody;
    for (const rs of json.resourceSpans) {
      for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s) => s.name !== name);
    }
    const body = r.contentType.includes('json')
      ? Buffer.from(JSON.stringify(json))
      : toProtobuf('traces', json);
    return { ...r, json, body };
  });
}

/** A web request's trace holding one AI SDK call and, optionally, OpenCode's prompt span. */
function aiSdkTrace(serviceName: string, withPrompt: boolean): CapturedRequest {
  const traceId = hex(16);
  const root = hex(8);
  const prompt = hex(8);
  const stream = hex(8);
  return jsonRequest(
    'traces',
    tracesRequest({ 'service.name': serviceName }, [
      span({
        traceId,
        parentSpanId: stream,
        name: 'ai.streamText.doStream',
        attributes: {
          'ai.model.id': 'gpt-5',
          'ai.model.provider': 'openai.responses',
          'ai.usage.inputTokens': 120,
          'ai.usage.outputTokens': 12,
        },
      }),
      span({ traceId, spanId: stream, parentSpanId: prompt, name: 'ai.streamText' }),
      ...(withPrompt
        ? [span({ traceId, spanId: prompt, parentSpanId: root, name: 'SessionPrompt.prompt' })]
        : []),
      span({ traceId, spanId: root, name: 'http.server POST' }),
    ]),
  );
}

let upstream: RecordingUpstream;
let bridge: Bridge;
const debugLines: string[] = [];

beforeEach(async () => {
  debugLines.length = 0;
  const record = (...args: unknown[]) => debugLines.push(args.map(String).join(' '));
  const logger: DiagLogger = {
    error: record,
    warn: record,
    info: record,
    debug: record,
    verbose: record,
  };
  diag.setLogger(logger, DiagLogLevel.DEBUG);
  upstream = await startRecordingUpstream();
  bridge = await startBridge({
    port: 0,
    grpcPort: false,
    taskIdleMs: 60_000,
    telemetry: { serverUrl: upstream.url, apiKey: API_KEY, instanceId: INSTANCE },
  });
});

afterEach(async () => {
  await bridge.close();
  await upstream.close();
  diag.disable();
});

/** Sends the requests as captured, closes the bridge, returns the events delivered upstream. */
async function replay(requests: readonly CapturedRequest[]): Promise<unknown[]> {
  for (const r of requests) {
    const res = await postOtlp(bridge.url, `/v1/${r.signal}`, r.body, {
      contentType: r.contentType,
    });
    expect(res.status).toBe(200);
  }
  await bridge.close();
  return upstream.bodies.flatMap((b) => (JSON.parse(b) as { events: unknown[] }).events);
}

const incompleteLines = () => debugLines.filter((l) => l.includes('never arrived'));

describe('source: OpenCode tasks whose prompt span never arrived', () => {
  it('declares its incomplete tasks; the pipeline knows the counter', () => {
    expect(openCode.incompleteTasks).toBe(openCodeIncompleteTasks);
    expect(INCOMPLETE_TASK_COUNTERS).toContain(openCodeIncompleteTasks);
  });

  it('counts a captured session whose prompt span was lost as incomplete, reports nothing, says so once at debug', async () => {
    const events = await replay(
      without(loadCapture('opencode', 'run2-fastflush'), 'SessionPrompt.prompt'),
    );
    expect(events).toHaveLength(0);
    expect(bridge.stats).toMatchObject({ tasksReported: 0, tasksIncomplete: 1, openTasks: 0 });
    expect(incompleteLines()).toHaveLength(1);
  });

  it('counts a captured run that lost its last export at exit (default batch delay): only the title call arrived', async () => {
    const events = await replay(loadCapture('opencode', 'run1'));
    expect(events).toHaveLength(0);
    expect(bridge.stats).toMatchObject({ tasksReported: 0, tasksIncomplete: 1, openTasks: 0 });
    expect(incompleteLines()).toHaveLength(1);
  });

  it('counts nothing incomplete in the whole captured session', async () => {
    const events = await replay(loadCapture('opencode', 'run2-fastflush'));
    expect(events).toHaveLength(1);
    expect(bridge.stats).toMatchObject({ tasksReported: 1, tasksIncomplete: 0 });
    expect(incompleteLines()).toHaveLength(0);
  });

  it('counts one per trace, logs the first only, and leaves AI SDK spans of other services alone', async () => {
    const events = await replay([
      aiSdkTrace('opencode', false),
      aiSdkTrace('opencode', false),
      aiSdkTrace('opencode', true),
      aiSdkTrace('my-ai-sdk-app', false),
    ]);
    expect(events).toHaveLength(1);
    expect(bridge.stats).toMatchObject({ tasksReported: 1, tasksIncomplete: 2 });
    expect(incompleteLines()).toHaveLength(1);
  });

  it('reads a closed trace: calls under a prompt span are claimed, calls without one are not', () => {
    const claimedNone = { isClaimed: () => false, costOfRequest: () => undefined };
    const claimedAll = { isClaimed: () => true, costOfRequest: () => undefined };
    const [orphan] = tracesOf([aiSdkTrace('opencode', false)]);
    const [other] = tracesOf([aiSdkTrace('my-ai-sdk-app', false)]);
    if (orphan === undefined || other === undefined) throw new Error('no trace');
    expect(openCodeIncompleteTasks(orphan, claimedNone)).toBe(1);
    expect(openCodeIncompleteTasks(orphan, claimedAll)).toBe(0);
    expect(openCodeIncompleteTasks(other, claimedNone)).toBe(0);
  });
});

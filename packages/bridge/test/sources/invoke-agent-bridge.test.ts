import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBridge } from '../../src/start-bridge.js';
import type { Bridge } from '../../src/types.js';
import { hex, span, tracesRequest } from '../support/otlp-json.js';
import { postOtlp } from '../support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from '../support/recording-upstream.js';

const API_KEY = 'ab'.repeat(32);
const INSTANCE = '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d';
const RESOURCE = { 'service.name': 'fastapi-agent' };

interface WireEvent {
  event_id: string;
  actual_input_tokens: number;
  actual_output_tokens: number;
}

let upstream: RecordingUpstream | undefined;
let bridge: Bridge | undefined;

afterEach(async () => {
  await bridge?.close();
  await upstream?.close();
  bridge = undefined;
  upstream = undefined;
});

async function start(taskIdleMs: number): Promise<{ bridge: Bridge; up: RecordingUpstream }> {
  upstream = await startRecordingUpstream();
  bridge = await startBridge({
    port: 0,
    grpcPort: false,
    taskIdleMs,
    telemetry: { serverUrl: upstream.url, apiKey: API_KEY, instanceId: INSTANCE },
  });
  return { bridge, up: upstream };
}

async function send(b: Bridge, spans: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const res = await postOtlp(b.url, '/v1/traces', JSON.stringify(tracesRequest(RESOURCE, spans)));
  expect(res.status).toBe(200);
}

const eventsOf = (up: RecordingUpstream): WireEvent[] =>
  up.bodies.flatMap((body) => (JSON.parse(body) as { events: WireEvent[] }).events);

/** A model call span (OTel GenAI chat) under `parentSpanId`. */
function chat(traceId: string, parentSpanId: string, input: number, output: number) {
  return span({
    traceId,
    parentSpanId,
    name: 'chat gpt-5',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5',
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
    },
  });
}

function agent(traceId: string, spanId: string, parentSpanId?: string) {
  return span({
    traceId,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: 'invoke_agent support',
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support' },
  });
}

/** The HTTP server span auto-instrumentation makes the root of a web request's trace. */
function server(traceId: string, spanId: string) {
  return span({ traceId, spanId, name: 'POST /chat', attributes: { 'http.route': '/chat' } });
}

describe('source: outermost invoke_agent spans, through a real bridge', () => {
  it('makes an agent span under an HTTP server root a task (same request)', async () => {
    const { bridge: b, up } = await start(60_000);
    const traceId = hex(16);
    const root = hex(8);
    const agentId = hex(8);
    await send(b, [
      chat(traceId, agentId, 100, 10),
      agent(traceId, agentId, root),
      server(traceId, root),
    ]);
    await b.close();
    const events = eventsOf(up);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 100, actual_output_tokens: 10 });
    expect(b.stats).toMatchObject({ tasksReported: 1, tasksIncomplete: 0 });
  });

  it('reports once when the server root arrives in a later export, before or after the trace closed', async () => {
    const { bridge: b, up } = await start(300);
    // The root comes in the next export while the trace is still open.
    const early = hex(16);
    const earlyRoot = hex(8);
    const earlyAgent = hex(8);
    await send(b, [chat(early, earlyAgent, 20, 2), agent(early, earlyAgent, earlyRoot)]);
    await send(b, [server(early, earlyRoot)]);
    // The root comes after the trace closed at idle time and reported its task.
    const late = hex(16);
    const lateRoot = hex(8);
    const lateAgent = hex(8);
    await send(b, [chat(late, lateAgent, 30, 3), agent(late, lateAgent, lateRoot)]);
    await vi.waitFor(() => expect(b.stats.tasksReported).toBe(2), { timeout: 10_000 });
    await send(b, [server(late, lateRoot)]);
    await b.close();
    const events = eventsOf(up);
    expect(events.map((e) => [e.actual_input_tokens, e.actual_output_tokens]).sort()).toEqual([
      [20, 2],
      [30, 3],
    ]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2);
    expect(b.stats).toMatchObject({
      tasksReported: 2,
      tasksIncomplete: 0,
      dropped: { duplicateTasks: 0 },
    });
  });

  it('folds a nested sub-agent into its outermost agent: one task, each call counted once', async () => {
    const { bridge: b, up } = await start(60_000);
    const traceId = hex(16);
    const root = hex(8);
    const outer = hex(8);
    const inner = hex(8);
    await send(b, [
      chat(traceId, inner, 40, 4),
      chat(traceId, inner, 50, 5),
      agent(traceId, inner, outer),
      chat(traceId, outer, 7, 1),
      agent(traceId, outer, root),
      server(traceId, root),
    ]);
    await b.close();
    const events = eventsOf(up);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 97, actual_output_tokens: 10 });
  });

  it('still closes a trace whose agent span is the root after the short settle, not idle time', async () => {
    const { bridge: b, up } = await start(60_000);
    const traceId = hex(16);
    const agentId = hex(8);
    await send(b, [chat(traceId, agentId, 11, 1), agent(traceId, agentId)]);
    await vi.waitFor(() => expect(eventsOf(up)).toHaveLength(1), { timeout: 15_000 });
    expect(eventsOf(up)[0]).toMatchObject({ actual_input_tokens: 11, actual_output_tokens: 1 });
    expect(b.stats.openTasks).toBe(0);
  });
});

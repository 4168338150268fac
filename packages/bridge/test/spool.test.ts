import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge, BridgeStats } from '../src/types.js';
import { type BridgeProcess, startBridgeProcess } from './support/bridge-process.js';
import { loadCapture, toProtobuf } from './support/captures.js';
import { genAiSender } from './support/gen-ai-sender.js';
import { callRaw, EXPORT_PATHS, grpcClient, statusDetails } from './support/grpc-export.js';
import {
  hex,
  logRecord,
  logsRequest,
  span,
  taskSpans,
  tracesRequest,
} from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/recording-upstream.js';
import { spooledBridgeOptions } from './support/spooled-bridge-options.js';
import { until } from './support/until.js';

const postSpans = (url: string, spans: Record<string, unknown>[]) =>
  postOtlp(url, '/v1/traces', JSON.stringify(tracesRequest({ 'service.name': 'agent' }, spans)));

const healthOf = async (url: string): Promise<BridgeStats> =>
  (await fetch(`${url}/health`)).json() as Promise<BridgeStats>;

/** Rows left in a spool file (read after its bridge exited). */
function spoolRows(dir: string): { records: number; events: number } {
  const db = new Database(join(dir, 'spool.sqlite'), { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { records: count('records'), events: count('events') };
  } finally {
    db.close();
  }
}

/**
 * A real OTLP/HTTP JSON metric exporter (cumulative) whose bridge a test can move: a restarted
 * bridge listens on a new port, and the sender, with its streams, goes on.
 */
function movableMetricExporter(url: string) {
  const to = (base: string) =>
    new OTLPMetricExporter({
      url: `${base}/v1/metrics`,
      temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
    });
  let current = to(url);
  const exporter: PushMetricExporter = {
    export: (metrics, done) => current.export(metrics, done),
    forceFlush: () => current.forceFlush(),
    shutdown: () => current.shutdown(),
    selectAggregationTemporality: (kind) => current.selectAggregationTemporality(kind),
    selectAggregation: (kind) => current.selectAggregation(kind),
  };
  return {
    exporter,
    moveTo(base: string) {
      current = to(base);
    },
  };
}

describe('bridge spool', () => {
  const dirs: string[] = [];
  const processes: BridgeProcess[] = [];
  let devserver: DevServer | undefined;
  let upstream: RecordingUpstream | undefined;
  let bridge: Bridge | undefined;
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-spool-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill9();
    await bridge?.close();
    bridge = undefined;
    await devserver?.close();
    devserver = undefined;
    await upstream?.close();
    upstream = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('after kill -9', () => {
    it('rebuilds an open task from the spool, reports it once with what came before the kill, and prunes it', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      const dir = spoolDir();
      const traceId = hex(16);
      const { task, call } = taskSpans(traceId, 4242);
      const first = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(first);
      expect((await postSpans(first.url, [call])).status).toBe(200);
      await first.kill9();

      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(second);
      expect(second.stdout()).toContain('1 open tasks and 0 undelivered events resumed');
      expect((await postSpans(second.url, [task])).status).toBe(200);
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 0,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ task_type: 'implementation', actual_input_tokens: 4242 });
      await until(
        () => healthOf(second.url),
        (h) => h.spool?.undeliveredEvents === 0,
      );
      expect(await second.stop()).toBe(0);
      expect(server.listEvents()).toHaveLength(1);
      expect(spoolRows(dir)).toEqual({ records: 0, events: 0 });
    });

    it('rebuilds an OpenCode task’s gates and language from what its long tool spans were reduced to, none of their text spooled', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      const dir = spoolDir();
      const traceId = hex(16);
      const prompt = hex(8);
      const marker = `Zq7PLANTED${hex(4)}q7Z`;
      const output = `${marker}\n`.repeat(5_000);
      const tool = (name: string, args: object, result: object) =>
        span({
          traceId,
          parentSpanId: prompt,
          name: 'ai.toolCall',
          attributes: {
            'ai.toolCall.name': name,
            'ai.toolCall.id': `call_${hex(4)}`,
            'ai.toolCall.args': JSON.stringify(args),
            'ai.toolCall.result': JSON.stringify(result),
          },
        });
      const spans = [
        span({
          traceId,
          parentSpanId: prompt,
          name: 'ai.streamText.doStream',
          attributes: {
            'ai.model.id': 'gpt-5',
            'ai.model.provider': 'openai.responses',
            'ai.usage.inputTokens': 5151,
            'ai.usage.outputTokens': 7,
          },
        }),
        tool(
          'bash',
          { command: `npm run lint -- ${marker}` },
          { metadata: { output, exit: 1 }, output },
        ),
        tool('bash', { command: 'npm test' }, { metadata: { output, exit: 0 }, output }),
        tool('edit', { oldString: output, filePath: `/w/${marker}/main.rs` }, { output }),
      ];
      const body = JSON.stringify(tracesRequest({ 'service.name': 'opencode' }, spans));
      const first = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(first);
      expect((await postOtlp(first.url, '/v1/traces', body)).status).toBe(200);
      await first.kill9();
      for (const file of readdirSync(dir)) {
        expect(readFileSync(join(dir, file), 'latin1'), file).not.toContain(marker);
      }

      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(second);
      expect(second.stdout()).toContain('1 open tasks and 0 undelivered events resumed');
      const promptSpan = span({ traceId, spanId: prompt, name: 'SessionPrompt.prompt' });
      const last = JSON.stringify(tracesRequest({ 'service.name': 'opencode' }, [promptSpan]));
      expect((await postOtlp(second.url, '/v1/traces', last)).status).toBe(200);
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 0,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actual_input_tokens: 5151,
        quality_gates_run: ['lint', 'test'],
        quality_gates_failed: ['lint'],
        quality_gate_passed: false,
        language: 'rust',
      });
      expect(JSON.stringify(events)).not.toContain(marker);
      expect(await second.stop()).toBe(0);
    });

    it('goes on counting a cumulative metric stream where it left off, in the task it left open', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      const dir = spoolDir();
      const first = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(first);
      const target = movableMetricExporter(first.url);
      const sender = genAiSender(target.exporter, 'agent-m');
      sender.call(1000, 10);
      await sender.flush();
      await first.kill9();

      // A short idle time here: the task closes once the sender has gone on (a stop would keep it).
      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 2_000 });
      processes.push(second);
      expect(second.stdout()).toContain('1 open tasks and 0 undelivered events resumed');
      // The same sender goes on: its streams' totals now 1500 and 15, from the same start time.
      target.moveTo(second.url);
      sender.call(500, 5);
      await sender.flush();
      await sender.shutdown();
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 0,
      );
      expect(await second.stop()).toBe(0);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actual_input_tokens: 1500, actual_output_tokens: 15 });
    });

    it('counts only what a cumulative metric stream added since the task it reported before the kill', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      const dir = spoolDir();
      const first = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 300 });
      processes.push(first);
      const target = movableMetricExporter(first.url);
      const sender = genAiSender(target.exporter, 'agent-n');
      sender.call(900, 9);
      await sender.flush();
      await until(
        () => healthOf(first.url),
        (h) => server.listEvents().length === 1 && h.spool?.undeliveredEvents === 0,
      );
      await first.kill9();

      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 300 });
      processes.push(second);
      target.moveTo(second.url);
      sender.call(100, 1);
      await sender.flush();
      await sender.shutdown();
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 1,
      );
      expect(await second.stop()).toBe(0);
      const tokens = events.map((e) => [e.actual_input_tokens, e.actual_output_tokens]);
      expect(tokens.sort()).toEqual([
        [100, 1],
        [900, 9],
      ]);
    });

    it('resends the events it could not deliver before the kill, once the server is there', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      // A loopback port nobody listens on: every delivery fails and is retried.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const deadPort = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const dir = spoolDir();
      const first = await startBridgeProcess({
        spoolDir: dir,
        server: { ...server, url: `http://127.0.0.1:${deadPort}` },
        taskIdleMs: 500,
      });
      processes.push(first);
      const { task, call } = taskSpans(hex(16), 777);
      expect((await postSpans(first.url, [task, call])).status).toBe(200);
      const waiting = await until(
        () => healthOf(first.url),
        (h) => h.spool?.undeliveredEvents === 1 && h.spool.openTasks === 0,
      );
      expect(waiting.spool).toMatchObject({ undeliveredEvents: 1, openTasks: 0 });
      await first.kill9();
      expect(server.listEvents()).toHaveLength(0);

      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 500 });
      processes.push(second);
      expect(second.stdout()).toContain('0 open tasks and 1 undelivered events resumed');
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 0,
      );
      expect(events.map((e) => e.actual_input_tokens)).toEqual([777]);
      await until(
        () => healthOf(second.url),
        (h) => h.spool?.undeliveredEvents === 0,
      );
      expect(await second.stop()).toBe(0);
      expect(server.listEvents()).toHaveLength(1);
      expect(spoolRows(dir)).toEqual({ records: 0, events: 0 });
    });
  });

  describe('after a graceful stop (SIGTERM)', () => {
    it('keeps a trace whose task has not ended and a task its logs opened, and reports each once, whole, after the next start', async () => {
      devserver = await startDevServer({ rateLimit: false });
      const server = devserver;
      const dir = spoolDir();
      const traceId = hex(16);
      const { task, call } = taskSpans(traceId, 4242);
      const ids = { 'session.id': `s-${hex(4)}`, 'prompt.id': `p-${hex(4)}` };
      const request = (id: string, input: number, output: number) =>
        logsRequest({ 'service.name': 'claude-code' }, [
          logRecord('api_request', {
            ...ids,
            model: 'claude-sonnet-4-5',
            input_tokens: input,
            output_tokens: output,
            request_id: id,
          }),
        ]);
      const postLogs = (url: string, body: Record<string, unknown>) =>
        postOtlp(url, '/v1/logs', JSON.stringify(body));
      const first = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 60_000 });
      processes.push(first);
      expect((await postSpans(first.url, [call])).status).toBe(200);
      expect((await postLogs(first.url, request('r1', 10, 5))).status).toBe(200);
      expect(await first.stop()).toBe(0);
      expect(first.stdout()).toContain('Spool: 2 open tasks and 0 undelivered events kept in');
      // Neither half-task was reported: the agent is still at work on both.
      expect(server.listEvents()).toHaveLength(0);

      // Idle time long enough for the second request to join its task on a loaded machine.
      const second = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 3_000 });
      processes.push(second);
      expect(second.stdout()).toContain('2 open tasks and 0 undelivered events resumed');
      expect((await postSpans(second.url, [task])).status).toBe(200);
      expect((await postLogs(second.url, request('r2', 20, 7))).status).toBe(200);
      const events = await until(
        () => server.listEvents(),
        (e) => e.length > 1,
      );
      const byInput = events.map((e) => [e.actual_input_tokens, e.actual_output_tokens]).sort();
      expect(byInput).toEqual([
        [30, 12],
        [4242, 1],
      ]);
      await until(
        () => healthOf(second.url),
        (h) => h.spool?.undeliveredEvents === 0,
      );
      expect(await second.stop()).toBe(0);
      expect(second.stdout()).not.toContain('kept in');
      expect(server.listEvents()).toHaveLength(2);
      expect(spoolRows(dir)).toEqual({ records: 0, events: 0 });
    });
  });

  describe('after a stop and a start', () => {
    it('counts a kept trace’s age from when it first came, not from the start that rebuilt it', async () => {
      upstream = await startRecordingUpstream();
      const dir = spoolDir();
      const options = spooledBridgeOptions(dir, upstream.url, 60_000);
      const internals = { limits: { maxTaskAgeMs: 3_000, traceSettleMs: 200 } };
      const first = await startBridge(options, internals);
      const { call } = taskSpans(hex(16), 5);
      expect((await postSpans(first.url, [call])).status).toBe(200);
      await first.close();
      expect(first.stats.spool?.openTasks).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      // Older than maxTaskAgeMs by now: the start after rebuilds it and closes it at its first look
      // (every 100 ms here), not 3 s later. It never got a task span: nothing is reported.
      bridge = await startBridge(options, internals);
      const next = bridge;
      const open = await until(
        () => next.stats.spool?.openTasks,
        (n) => n === 0,
        2_000,
      );
      expect(open).toBe(0);
      expect(next.stats.tasksReported).toBe(0);
    });
  });

  describe('across a restart', () => {
    it('still knows a task traces reported when its logs come after the restart (one event)', async () => {
      upstream = await startRecordingUpstream();
      const dir = spoolDir();
      const options = spooledBridgeOptions(dir, upstream.url, 5_000);
      const capture = loadCapture('claude', 'run1');
      const send = async (target: Bridge, signal: 'traces' | 'logs') => {
        for (const r of capture.filter((c) => c.signal === signal)) {
          const answer = await postOtlp(target.url, `/v1/${signal}`, r.body, {
            contentType: r.contentType,
          });
          expect(answer.status).toBe(200);
        }
      };
      const first = await startBridge(options);
      await send(first, 'traces');
      await first.close();
      expect(first.stats.tasksReported).toBe(1);
      bridge = await startBridge(options);
      await send(bridge, 'logs');
      await bridge.close();
      expect(bridge.stats.tasksReported).toBe(0);
      expect(bridge.stats.dropped.coveredByTraces).toBe(1);
      const events = upstream.bodies.flatMap(
        (b) => (JSON.parse(b) as { events: unknown[] }).events,
      );
      expect(events).toHaveLength(1);
    });
  });

  describe('contents', () => {
    it('holds no log text, log body, tool input, attribute of a span no source reads or of a metric point', async () => {
      const marker = `Zq7PLANTED${hex(4)}q7Z`;
      const dir = spoolDir();
      bridge = await startBridge({
        port: 0,
        grpcPort: false,
        spoolDir: dir,
        taskIdleMs: 600_000,
        telemetry: { enabled: false },
      });
      const open = bridge;
      const ids = { 'session.id': `s-${hex(4)}`, 'prompt.id': `p-${hex(4)}` };
      const logs = logsRequest({ 'service.name': 'claude-code' }, [
        logRecord('user_prompt', { ...ids, prompt: marker, prompt_length: 20 }),
        logRecord(
          'api_request',
          {
            ...ids,
            model: 'claude-sonnet-4-5',
            input_tokens: 10,
            output_tokens: 5,
            request_id: 'r1',
            error: marker,
          },
          { body: { stringValue: marker } },
        ),
        logRecord('tool_result', {
          ...ids,
          tool_name: 'Bash',
          tool_use_id: 'toolu_1',
          success: 'true',
          tool_input: JSON.stringify({ command: `pnpm test ${marker}` }),
          tool_parameters: JSON.stringify({ bash_command: `pnpm test ${marker}` }),
        }),
      ]);
      const answer = await postOtlp(open.url, '/v1/logs', JSON.stringify(logs));
      expect(answer.status).toBe(200);
      const traceId = hex(16);
      const root = hex(8);
      const spans = [
        span({
          traceId,
          spanId: root,
          name: 'task',
          attributes: { 'mosaic.task.type': 'testing' },
        }),
        span({ traceId, parentSpanId: root, name: 'internal', attributes: { note: marker } }),
      ];
      expect((await postSpans(open.url, spans)).status).toBe(200);
      // A metric stream's last point is kept by the digest of what identifies the stream.
      const sender = genAiSender(
        new OTLPMetricExporter({ url: `${open.url}/v1/metrics` }),
        `agent-${hex(4)}`,
        { 'user.email': marker },
      );
      sender.call(300, 3);
      await sender.shutdown();
      expect(open.stats.spool?.openTasks).toBe(3);
      for (const file of readdirSync(dir)) {
        expect(readFileSync(join(dir, file), 'latin1'), file).not.toContain(marker);
      }
      // What it does hold: the reduced records (the tool call as its gate, not its command).
      const wal = readFileSync(join(dir, 'spool.sqlite-wal'), 'latin1');
      expect(wal).toContain('"gates":["test"]');
      expect(wal).toContain('"inputTokens":10');
      // The input and the output stream's last points, there for the next start.
      await open.close();
      const db = new Database(join(dir, 'spool.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM streams').get()).toEqual({ n: 2 });
      } finally {
        db.close();
      }
    });
  });

  describe('byte bound', () => {
    it('answers 503 with Retry-After (gRPC UNAVAILABLE with RetryInfo) once full, counts it, and loses nothing it accepted', async () => {
      upstream = await startRecordingUpstream();
      const maxBytes = 4096;
      bridge = await startBridge(
        {
          port: 0,
          grpcPort: 0,
          spoolDir: spoolDir(),
          spoolMaxBytes: maxBytes,
          taskIdleMs: 60_000,
          telemetry: {
            serverUrl: upstream.url,
            apiKey: 'ab'.repeat(32),
            instanceId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
          },
        },
        // Complete tasks stay open for the whole test, so only the bound can refuse.
        { limits: { traceSettleMs: 600_000 } },
      );
      const open = bridge;
      let accepted = 0;
      let refused: Awaited<ReturnType<typeof postOtlp>> | undefined;
      for (let i = 0; i < 100 && refused === undefined; i++) {
        const { task, call } = taskSpans(hex(16), 1000 + i);
        const answer = await postSpans(open.url, [task, call]);
        if (answer.status === 200) accepted++;
        else refused = answer;
      }
      expect(accepted).toBeGreaterThan(0);
      expect(refused?.status).toBe(503);
      expect(refused?.headers['retry-after']).toBe('5');
      expect(JSON.parse(refused?.body.toString() ?? '{}').message).toMatch(
        /^the spool is full \(\d+ of 4096 bytes/,
      );
      expect(open.stats.spool?.bytes).toBeGreaterThanOrEqual(maxBytes);
      expect(open.stats.spool?.openTasks).toBe(accepted);

      const client = grpcClient(open.grpcUrl as string);
      const { task, call } = taskSpans(hex(16), 9);
      const body = toProtobuf('traces', tracesRequest({ 'service.name': 'agent' }, [task, call]));
      const answer = await callRaw(client, EXPORT_PATHS.traces, body);
      client.close();
      expect(answer.code).toBe(status.UNAVAILABLE);
      expect(statusDetails(answer.trailers)?.retryDelaySeconds).toBe(5);
      expect(open.stats.requestsRefused).toEqual({ '503': 2 });

      await open.close();
      const events = upstream.bodies.flatMap(
        (b) => (JSON.parse(b) as { events: Array<{ actual_input_tokens: number }> }).events,
      );
      expect(events.map((e) => e.actual_input_tokens).sort()).toEqual(
        Array.from({ length: accepted }, (_, i) => 1000 + i),
      );
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attributes, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';

const open: DevServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  const server = await startDevServer({ rateLimit: false, ...options });
  open.push(server);
  return server;
}

/** Records one task span with a model call beneath it and exports it as OTLP/protobuf + gzip. */
async function sendTask(url: string, task: Attributes): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces`, compression: 'gzip' as never });
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('otlp-routes-test');
  const taskSpan = tracer.startSpan('task', { attributes: task });
  const call = tracer.startSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 10,
        'gen_ai.input.messages': 'SECRET PROMPT TEXT',
      },
    },
    trace.setSpan(context.active(), taskSpan),
  );
  call.end();
  taskSpan.end();
  await provider.shutdown();
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('startDevServer', () => {
  describe('OTLP routes (embedded bridge)', () => {
    it('stores the task of an OTLP/protobuf + gzip trace sent to its own port', async () => {
      const server = await start({ otlp: { taskIdleMs: 200 } });
      await sendTask(server.url, { 'mosaic.task.type': 'implementation' });
      await until(() => server.countEvents() === 1);
      const [event] = server.listEvents();
      expect(event).toMatchObject({
        instance_id: server.instanceId,
        task_type: 'implementation',
        model: 'gpt-4o',
        provider: 'openai',
        actual_input_tokens: 100,
        actual_output_tokens: 10,
        outcome: 'success',
      });
      expect(JSON.stringify(event)).not.toContain('SECRET');
      expect(server.otlpStats?.received.spans).toBe(2);
      expect(server.otlpStats?.tasksReported).toBe(1);
    });

    it('delivers a task still open at close(), before the database closes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'devserver-otlp-'));
      dirs.push(dir);
      const dbPath = join(dir, 'events.db');
      const first = await startDevServer({ dbPath, rateLimit: false });
      await sendTask(first.url, { 'mosaic.task.type': 'debugging' });
      expect(first.countEvents()).toBe(0); // the trace is still settling
      await first.close();
      const again = await start({ dbPath });
      expect(again.listEvents().map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('answers 404 on the OTLP routes when otlp is false', async () => {
      const server = await start({ otlp: false });
      const res = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"resourceSpans":[]}',
      });
      expect(res.status).toBe(404);
      expect(server.otlpStats).toBeUndefined();
    });

    it('answers an undecodable OTLP body with 400, not the v1 error shape', async () => {
      const server = await start();
      const res = await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body: new Uint8Array([0xff, 0xff, 0xff]),
      });
      expect(res.status).toBe(400);
      expect(server.otlpStats?.requestsRefused['400']).toBe(1);
    });
  });
});

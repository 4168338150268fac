import { fileURLToPath } from 'node:url';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedSpans, testConfig } from '../../../../test/support/finished-spans.js';
import {
  acceptAll,
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { MosaicSpanExporter } from '../../src/exporter/mosaic-span-exporter.js';
import { createMosaicSpanProcessor } from '../../src/processor/create-mosaic-span-processor.js';
import { ImmediateSpanProcessor } from '../../src/processor/immediate-span-processor.js';
import type { MosaicDeliveryError } from '../../src/types.js';
import { type NodeRun, runNode } from '../support/run-node.js';

const CLI = fileURLToPath(new URL('../fixtures/immediate/cli-task.mjs', import.meta.url));

const taskSpans = (n: number) =>
  finishedSpans(
    Array.from({ length: n }, () => ({
      attributes: { 'mosaic.task.type': 'implementation' } as never,
    })),
  );

const eventCount = (server: RecordingServer) =>
  server.requests.reduce(
    (n, r) => n + (JSON.parse(r.body) as { events: unknown[] }).events.length,
    0,
  );

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('ImmediateSpanProcessor', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  function make(maxQueueSize = 100) {
    const exporter = new MosaicSpanExporter(testConfig(server.url));
    const drops: number[] = [];
    const processor = new ImmediateSpanProcessor(exporter, {
      maxQueueSize,
      maxExportBatchSize: 100,
      maxConcurrentExports: 2,
      onDropped: (count) => drops.push(count),
    });
    return { exporter, processor, drops };
  }

  describe('onEnd', () => {
    it('sends a task span when it ends, with no flush and no timer', async () => {
      const { processor } = make();
      const [span] = taskSpans(1);
      processor.onEnd(span as never);
      await until(() => server.requests.length > 0);
      expect(eventCount(server)).toBe(1);
      await processor.shutdown();
    });

    it('keeps at most two exports in flight and sends the spans ending meanwhile together', async () => {
      let inFlight = 0;
      let most = 0;
      server.respondWith((req) => {
        inFlight++;
        most = Math.max(most, inFlight);
        setTimeout(() => inFlight--, 50);
        return { ...(acceptAll(req) as object), delayMs: 50 } as never;
      });
      const { processor } = make();
      for (const span of taskSpans(20)) processor.onEnd(span as never);
      await processor.forceFlush();

      expect(eventCount(server)).toBe(20);
      expect(most).toBeLessThanOrEqual(2);
      // Two single-span exports went out at once; the other 18 waited and left in one request.
      expect(server.requests.length).toBe(3);
      await processor.shutdown();
    });

    it('drops the oldest span past maxQueueSize while exports are in flight', async () => {
      server.respondWith((req) => ({ ...(acceptAll(req) as object), delayMs: 50 }) as never);
      const { processor, drops } = make(5);
      for (const span of taskSpans(12)) processor.onEnd(span as never);
      // 2 in flight, 5 queued, 5 dropped: reported together when the first export ends.
      expect(processor.queued).toBe(5);
      expect(drops).toEqual([]);
      await processor.forceFlush();
      expect(eventCount(server)).toBe(7);
      expect(drops).toEqual([5]);
      await processor.shutdown();
    });
  });

  it('counts and reports the dropped spans as lost events through the pipeline built for the mode', async () => {
    server.respondWith((req) => ({ ...(acceptAll(req) as object), delayMs: 100 }) as never);
    const errors: MosaicDeliveryError[] = [];
    const provider = new BasicTracerProvider({
      spanProcessors: [
        createMosaicSpanProcessor({
          ...testConfig(server.url),
          exportMode: 'immediate',
          maxQueueSize: 3,
          onError: (error) => errors.push(error),
        }),
      ],
    });
    const tracer = provider.getTracer('test');
    for (let i = 0; i < 10; i++) {
      tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'implementation' } }).end();
    }
    await provider.forceFlush();
    // 2 went out at once, 3 waited, 5 were dropped: 5 stored and 5 counted, none silently.
    expect(eventCount(server)).toBe(5);
    expect(errors.map((e) => [e.kind, e.eventCount])).toEqual([['dropped', 5]]);
    expect(errors[0]?.message).toMatch(/immediate export queue full \(maxQueueSize 3\)/);
    await provider.shutdown();
  });

  describe('shutdown', () => {
    it('sends what is queued, then ignores later spans', async () => {
      const { processor } = make();
      for (const span of taskSpans(3)) processor.onEnd(span as never);
      await processor.shutdown();
      expect(eventCount(server)).toBe(3);
      processor.onEnd(taskSpans(1)[0] as never);
      await processor.forceFlush();
      expect(eventCount(server)).toBe(3);
    });
  });
});

describe('exportMode', () => {
  let devserver: DevServer;
  beforeEach(async () => {
    devserver = await startDevServer();
  });
  afterEach(async () => {
    await devserver.close();
  });

  /** Runs the CLI script against the devserver; it ends right after its task. */
  function runCli(mode: string): Promise<NodeRun> {
    return runNode([CLI], {
      env: {
        MOSAIC_TELEMETRY_ENABLED: 'true',
        MOSAIC_TELEMETRY_SERVER_URL: devserver.url,
        MOSAIC_TELEMETRY_API_KEY: devserver.apiKey,
        MOSAIC_TELEMETRY_INSTANCE_ID: devserver.instanceId,
        MOSAIC_TELEMETRY_EXPORT_MODE: mode,
      },
    });
  }

  describe('immediate', () => {
    it('delivers the task of a CLI process that ends right after it, with no flush', async () => {
      const result = await runCli('immediate');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('TASK DONE');
      const events = devserver.listEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        task_type: 'implementation',
        model: 'claude-sonnet-4',
        actual_input_tokens: 900,
        actual_output_tokens: 120,
      });
    });
  });

  describe('batch', () => {
    it('loses that task: the batch delay outlives the process (why immediate exists)', async () => {
      const result = await runCli('batch');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('TASK DONE');
      expect(devserver.listEvents()).toHaveLength(0);
    });
  });
});

import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { MosaicDeliveryError } from '@mosaicstack/telemetry-exporter';
import { BasicTracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { watchProcess } from './fault-harness.js';

/** Hands out the given (trace id, span id) pairs, one per root span, in order. */
function craftedIds(pairs: ReadonlyArray<readonly [string, string]>): IdGenerator {
  let trace = 0;
  let span = 0;
  return {
    generateTraceId: () => pairs[trace++]?.[0] ?? '1'.repeat(32),
    generateSpanId: () => pairs[span++]?.[1] ?? '1'.repeat(16),
  };
}

/** A host whose root spans get the crafted ids; `run` records one task per pair and flushes. */
async function run(server: DevServer, pairs: ReadonlyArray<readonly [string, string]>) {
  const errors: MosaicDeliveryError[] = [];
  const processor = processorWithFastRetries(
    {
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      submitIntervalMs: 60_000,
      onError: (e) => errors.push(e),
    },
    10,
  );
  const provider = new BasicTracerProvider({
    spanProcessors: [processor],
    idGenerator: craftedIds(pairs),
  });
  const tracer = provider.getTracer('crafted-ids');
  const contexts = pairs.map((_, i) => {
    const task = tracer.startSpan('task', {
      attributes: { 'mosaic.task.type': 'debugging', 'mosaic.tokens.estimated_input': i },
    });
    task.end();
    return task.spanContext();
  });
  await provider.forceFlush();
  await provider.shutdown();
  return { errors, contexts };
}

/** Trace and span ids the XOR fold of earlier releases mapped to one event id. */
const FOLD_COLLISIONS: Record<string, ReadonlyArray<readonly [string, string]>> = {
  'trace ids that differ only in hex digit 12': [
    ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
    ['0af7651916cd53dd8448eb211c80319c', 'b7ad6b7169203331'],
  ],
  'trace and span ids XOR-ed with the same mask': [
    ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
    // mask 0x5a5a5a5a5a5a on digits 0-11 of both, 0xc3c3 on trace 20-23 and span 12-15
    ['50ad3f434c9743dd844828e21c80319c', 'edf7312b337af0f2'],
  ],
};

describe('MosaicSpanProcessor with crafted trace and span ids', () => {
  let server: DevServer;
  let watch: ReturnType<typeof watchProcess>;
  beforeEach(async () => {
    watch = watchProcess();
    server = await startDevServer({ rateLimit: false });
  });
  afterEach(async () => {
    await server.close();
    watch.stop();
  });

  describe('ids the old XOR fold collided', () => {
    for (const [name, pairs] of Object.entries(FOLD_COLLISIONS)) {
      it(`stores both tasks for ${name}`, async () => {
        const { errors, contexts } = await run(server, pairs);
        expect(contexts.map((c) => [c.traceId, c.spanId])).toEqual(pairs);
        expect(errors).toEqual([]);
        const stored = server.listEvents();
        expect(stored).toHaveLength(2);
        expect(new Set(stored.map((e) => e.event_id)).size).toBe(2);
        expect(stored.map((e) => e.estimated_input_tokens).sort()).toEqual([0, 1]);
        expect(watch.escaped).toEqual([]);
      });
    }
  });

  describe('the same span sent again by a restarted host', () => {
    it('has the same event id, so the server stores it once', async () => {
      const pairs = FOLD_COLLISIONS['trace ids that differ only in hex digit 12'] ?? [];
      await run(server, pairs);
      const first = server.listEvents().map((e) => e.event_id);
      // A fresh processor, exporter and tracer provider: nothing carried over in memory.
      const { errors } = await run(server, pairs);
      expect(server.listEvents().map((e) => e.event_id)).toEqual(first);
      expect(server.countEvents()).toBe(2);
      // The server answers "duplicate" for both: delivered before, so nothing to report.
      expect(errors).toEqual([]);
    });
  });
});

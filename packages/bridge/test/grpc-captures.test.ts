import { status } from '@grpc/grpc-js';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeLoop, startBridgeLoop } from './support/bridge-to-devserver.js';
import { loadCapture, toProtobuf } from './support/captures.js';
import { callRaw, EXPORT_PATHS, grpcClient } from './support/grpc-export.js';

/**
 * The captured CLI exports replayed over OTLP/gRPC (re-encoded as protobuf: gRPC carries nothing
 * else) give the very events the same exports give over OTLP/HTTP, stored by a real devserver.
 */
const CASES = [
  { cli: 'claude', run: 'run2-protobuf', gzip: false }, // traces + logs + metrics
  { cli: 'claude', run: 'run4-errors', gzip: true },
  { cli: 'gemini', run: 'run1', gzip: true }, // Gemini CLI's default transport is gRPC
  { cli: 'codex', run: 'run2-protobuf', gzip: false },
] as const;

describe('bridge on captured CLI payloads over OTLP/gRPC', () => {
  const loops: BridgeLoop[] = [];
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.close();
  });

  for (const c of CASES) {
    it(`stores the same events as over HTTP: ${c.cli} ${c.run}${c.gzip ? ' (gzip)' : ''}`, async () => {
      const requests = loadCapture(c.cli, c.run);
      const overHttp = await startBridgeLoop();
      loops.push(overHttp);
      expect((await overHttp.send(requests)).every((s) => s === 200)).toBe(true);
      const httpEvents = await overHttp.finish();

      const overGrpc = await startBridgeLoop();
      loops.push(overGrpc);
      const client = grpcClient(overGrpc.bridge.grpcUrl as string, { gzip: c.gzip });
      try {
        for (const r of requests) {
          const answer = await callRaw(
            client,
            EXPORT_PATHS[r.signal],
            toProtobuf(r.signal, r.json),
          );
          expect(answer.code).toBe(status.OK);
        }
      } finally {
        client.close();
      }
      const grpcStats = overGrpc.bridge.stats;
      const grpcEvents = await overGrpc.finish();

      expect(grpcEvents.length).toBeGreaterThan(0);
      expect(grpcEvents.every((e) => validateTaskCompletionEvent(e).length === 0)).toBe(true);
      // Two devservers, two instance ids; everything else is the same, event ids included.
      const mine = (loop: BridgeLoop, events: typeof httpEvents) =>
        events.map((e) => {
          expect(e.instance_id).toBe(loop.devserver.instanceId);
          return { ...e, instance_id: 'same' };
        });
      expect(mine(overGrpc, grpcEvents)).toEqual(mine(overHttp, httpEvents));
      expect(grpcStats.received).toEqual(overHttp.bridge.stats.received);
      expect(grpcStats.requestsRefused).toEqual({});
    });
  }
});

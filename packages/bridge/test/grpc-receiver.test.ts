import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type Client, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OtlpTypes } from '../src/decode/otlp-root.js';
import type { BridgeInternals } from '../src/receiver/bridge-runtime.js';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { toProtobuf } from './support/captures.js';
import {
  callRaw,
  EXPORT_PATHS,
  grpcClient,
  listeningServers,
  statusDetails,
} from './support/grpc-export.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';

const OFF = { telemetry: { enabled: false } };

function oneTrace(extra: Record<string, unknown>[] = []) {
  return toProtobuf(
    'traces',
    tracesRequest({ 'service.name': 'svc' }, [
      span({ traceId: hex(16), name: 'work', attributes: { n: 1 } }),
      ...extra,
    ]),
  );
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until this process has `n` listening TCP servers. */
const settled = (n: number) => vi.waitFor(() => expect(listeningServers()).toBe(n));

describe('OTLP/gRPC receiver', () => {
  let bridge: Bridge | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    client?.close();
    await bridge?.close();
    client = undefined;
    bridge = undefined;
    // A closed server's handle leaves the event loop a moment after its close callback.
    await settled(0);
  });

  async function start(internals: BridgeInternals = {}, gzip = false) {
    bridge = await startBridge({ port: 0, ...OFF }, internals);
    expect(bridge.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    client = grpcClient(bridge.grpcUrl as string, { gzip });
    return client;
  }

  describe('TraceService/Export', () => {
    it('answers OK with an empty ExportTraceServiceResponse, gzip or not', async () => {
      for (const gzip of [false, true]) {
        client?.close();
        await bridge?.close();
        const c = await start({}, gzip);
        const answer = await callRaw(c, EXPORT_PATHS.traces, oneTrace());
        expect(answer.code).toBe(status.OK);
        expect(answer.response?.length).toBe(0);
        expect(bridge?.stats.received.spans).toBe(1);
      }
    });

    it('reports partial success for spans without valid ids', async () => {
      const c = await start();
      const bad = { ...span({ traceId: hex(16), name: 'x' }), spanId: 'abcd' };
      const answer = await callRaw(c, EXPORT_PATHS.traces, oneTrace([bad]));
      expect(answer.code).toBe(status.OK);
      const decoded = OtlpTypes.traceResponse.toObject(
        OtlpTypes.traceResponse.decode(answer.response as Buffer),
        { longs: Number },
      );
      expect(decoded).toEqual({
        partialSuccess: {
          rejectedSpans: 1,
          errorMessage: '1 spans without a valid traceId and spanId',
        },
      });
      expect(bridge?.stats.dropped.invalidRecords).toBe(1);
      expect(bridge?.stats.received.spans).toBe(1);
    });

    it('answers INVALID_ARGUMENT for an undecodable message, never quoting it', async () => {
      const c = await start();
      const body = Buffer.from('\xff\xff\xffsecret-prompt', 'latin1');
      const answer = await callRaw(c, EXPORT_PATHS.traces, body);
      expect(answer.code).toBe(status.INVALID_ARGUMENT);
      expect(answer.details).toMatch(/not a valid ExportTraceServiceRequest protobuf/);
      expect(answer.details).not.toContain('secret');
      expect(statusDetails(answer.trailers)).toBeUndefined();
      expect(bridge?.stats.requestsRefused).toEqual({ '400': 1 });
      expect(bridge?.stats.received.spans).toBe(0);
    });

    it('answers UNAVAILABLE with RetryInfo once pending records reach their cap', async () => {
      const c = await start({ limits: { maxPendingRecords: 2 } });
      const traceId = hex(16);
      const spans = [1, 2, 3].map(() => span({ traceId, name: 'x' }));
      const first = await callRaw(
        c,
        EXPORT_PATHS.traces,
        toProtobuf('traces', tracesRequest({}, spans)),
      );
      expect(first.code).toBe(status.OK);
      const second = await callRaw(c, EXPORT_PATHS.traces, oneTrace());
      expect(second.code).toBe(status.UNAVAILABLE);
      expect(second.details).toBe('too many pending records: retry later');
      expect(statusDetails(second.trailers)).toEqual({
        code: status.UNAVAILABLE,
        message: 'too many pending records: retry later',
        retryDelaySeconds: 5,
      });
      expect(bridge?.stats.requestsRefused).toEqual({ '503': 1 });
      expect(bridge?.stats.received.spans).toBe(3);
    });

    it('answers RESOURCE_EXHAUSTED with RetryInfo when too many messages are in flight', async () => {
      const c = await start({ limits: { maxInflightBodyBytes: 10 } });
      const answer = await callRaw(c, EXPORT_PATHS.traces, oneTrace());
      expect(answer.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(statusDetails(answer.trailers)?.retryDelaySeconds).toBe(5);
      expect(bridge?.stats.requestsRefused).toEqual({ '429': 1 });
      expect(bridge?.stats.received.spans).toBe(0);
    });

    it('refuses a message past the body limit, and a gzip one that inflates past it, RESOURCE_EXHAUSTED', async () => {
      const c = await start({ limits: { maxBodyBytes: 1024 } });
      const big = await callRaw(c, EXPORT_PATHS.traces, Buffer.alloc(4096, 32));
      expect(big.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(big.details).toMatch(/larger than max \(4096 vs 1024\)/);
      expect(statusDetails(big.trailers)).toBeUndefined(); // not retryable: the same bytes stay too big
      const gzip = grpcClient(bridge?.grpcUrl as string, { gzip: true });
      try {
        // A million bytes that gzip to about 1 KB: grpc-js stops inflating past the limit.
        const bomb = await callRaw(gzip, EXPORT_PATHS.traces, Buffer.alloc(1_000_000, 32));
        expect(bomb.code).toBe(status.RESOURCE_EXHAUSTED);
        expect(bomb.details).toMatch(/decompresses to a size larger than 1024/);
        const fine = await callRaw(gzip, EXPORT_PATHS.traces, oneTrace());
        expect(fine.code).toBe(status.OK);
      } finally {
        gzip.close();
      }
      expect(bridge?.stats.received.spans).toBe(1);
    });
  });

  describe('in-flight bytes', () => {
    it('frees what each call held however it ended, so calls one at a time never run out', async () => {
      // Room for one unsized call (64 KiB) at a time: a call that kept its share would refuse the next.
      const c = await start({
        limits: { maxInflightBodyBytes: 64 * 1024 + 100, maxBodyBytes: 4096 },
      });
      const gzip = grpcClient(bridge?.grpcUrl as string, { gzip: true });
      try {
        const codes: status[] = [];
        for (let i = 0; i < 5; i++) {
          codes.push((await callRaw(c, EXPORT_PATHS.traces, oneTrace())).code);
          codes.push((await callRaw(c, EXPORT_PATHS.traces, Buffer.from([0xff, 0xff]))).code);
          codes.push((await callRaw(c, EXPORT_PATHS.traces, Buffer.alloc(8192, 32))).code);
          codes.push((await callRaw(gzip, EXPORT_PATHS.traces, Buffer.alloc(100_000, 32))).code);
        }
        expect(codes).toEqual(
          Array.from({ length: 5 }, () => [
            status.OK,
            status.INVALID_ARGUMENT,
            status.RESOURCE_EXHAUSTED,
            status.RESOURCE_EXHAUSTED,
          ]).flat(),
        );
        expect(bridge?.stats.requestsRefused).toEqual({ '400': 5 });
        expect(bridge?.stats.received.spans).toBe(5);
      } finally {
        gzip.close();
      }
    });
  });

  describe('the other services', () => {
    it('accepts logs and metrics and counts their records as over HTTP', async () => {
      const c = await start();
      const logs = await callRaw(c, EXPORT_PATHS.logs, toProtobuf('logs', { resourceLogs: [] }));
      expect(logs.code).toBe(status.OK);
      const metrics = {
        resourceMetrics: [
          {
            scopeMetrics: [
              { metrics: [{ name: 'm', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } }] },
            ],
          },
        ],
      };
      const answer = await callRaw(c, EXPORT_PATHS.metrics, toProtobuf('metrics', metrics));
      expect(answer.code).toBe(status.OK);
      expect(answer.response?.length).toBe(0);
      expect(bridge?.stats.received.dataPoints).toBe(2);
    });

    it('answers UNIMPLEMENTED for an unknown method', async () => {
      const c = await start();
      const answer = await callRaw(
        c,
        '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
        Buffer.alloc(0),
      );
      expect(answer.code).toBe(status.UNIMPLEMENTED);
    });
  });

  describe('listening', () => {
    it('opens no gRPC listener with grpcPort: false', async () => {
      bridge = await startBridge({ port: 0, grpcPort: false, ...OFF });
      expect(bridge.grpcUrl).toBeUndefined();
      expect(listeningServers()).toBe(1);
      await bridge.close();
      await settled(0);
    });

    it('listens on an explicit gRPC port and closes both listeners on close', async () => {
      const grpcPort = await freePort();
      await settled(0);
      bridge = await startBridge({ port: 0, grpcPort, ...OFF });
      expect(bridge.grpcUrl).toBe(`http://127.0.0.1:${grpcPort}`);
      expect(listeningServers()).toBe(2);
      // A connected client that stays open does not hold the close up.
      client = grpcClient(bridge.grpcUrl as string);
      expect((await callRaw(client, EXPORT_PATHS.traces, oneTrace())).code).toBe(status.OK);
      await bridge.close();
      await settled(0);
      const after = await callRaw(client, EXPORT_PATHS.traces, oneTrace());
      expect(after.code).toBe(status.UNAVAILABLE);
    });

    it('rejects with a clear error and leaves nothing listening when the gRPC port is taken', async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as AddressInfo).port;
      try {
        const port = await freePort();
        await expect(startBridge({ port, grpcPort: taken, ...OFF })).rejects.toThrow(
          `the OTLP/gRPC address 127.0.0.1:${taken} is in use: choose another gRPC port, or none`,
        );
        await settled(1); // the holder only
        // The HTTP port it had bound is free again.
        bridge = await startBridge({ port, grpcPort: false, ...OFF });
        expect(bridge.url).toBe(`http://127.0.0.1:${port}`);
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
        await bridge?.close();
      }
    });

    it('answers UNAVAILABLE to a call that arrives while the bridge closes', async () => {
      const c = await start();
      expect((await callRaw(c, EXPORT_PATHS.traces, oneTrace())).code).toBe(status.OK);
      const closing = bridge?.close();
      const late = await callRaw(c, EXPORT_PATHS.traces, oneTrace());
      await closing;
      expect(late.code).toBe(status.UNAVAILABLE);
      expect(bridge?.stats.received.spans).toBe(1);
    });
  });
});

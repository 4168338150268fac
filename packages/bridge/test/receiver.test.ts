import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpTypes } from '../src/decode/otlp-root.js';
import type { BridgeInternals } from '../src/receiver/bridge-runtime.js';
import { createOtlpHandler, type OtlpHandler } from '../src/receiver/create-otlp-handler.js';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { toProtobuf } from './support/captures.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';

const OFF = { telemetry: { enabled: false } };
const PROTO = 'application/x-protobuf';

function oneTrace(extra: Record<string, unknown>[] = []) {
  const traceId = hex(16);
  return tracesRequest({ 'service.name': 'svc' }, [
    span({ traceId, name: 'work', attributes: { n: 1 } }),
    ...extra,
  ]);
}

describe('OTLP/HTTP receiver', () => {
  let bridge: Bridge | undefined;
  let server: Server | undefined;
  let handler: OtlpHandler | undefined;
  afterEach(async () => {
    await bridge?.close();
    await handler?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    bridge = undefined;
    handler = undefined;
    server = undefined;
  });

  async function start(internals: BridgeInternals = {}) {
    bridge = await startBridge({ port: 0, ...OFF }, internals);
    return bridge.url;
  }

  describe('POST /v1/traces', () => {
    it('answers 200 with an empty ExportTraceServiceResponse in JSON for a JSON body', async () => {
      const url = await start();
      const res = await postOtlp(url, '/v1/traces', JSON.stringify(oneTrace()));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.body.toString())).toEqual({});
      expect(bridge?.stats.received.spans).toBe(1);
    });

    it('answers in protobuf for a protobuf body, gzip or not', async () => {
      const url = await start();
      for (const gzip of [false, true]) {
        const body = toProtobuf('traces', oneTrace());
        const res = await postOtlp(url, '/v1/traces', body, { contentType: PROTO, gzip });
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(PROTO);
        expect(OtlpTypes.traceResponse.toObject(OtlpTypes.traceResponse.decode(res.body))).toEqual(
          {},
        );
      }
      expect(bridge?.stats.received.spans).toBe(2);
    });

    it('reports partial success for spans without valid ids, in either encoding', async () => {
      const url = await start();
      const bad = { ...span({ traceId: hex(16), name: 'x' }), spanId: 'zz' };
      const json = await postOtlp(url, '/v1/traces', JSON.stringify(oneTrace([bad])));
      expect(JSON.parse(json.body.toString())).toEqual({
        partialSuccess: {
          rejectedSpans: 1,
          errorMessage: '1 spans without a valid traceId and spanId',
        },
      });
      const proto = await postOtlp(
        url,
        '/v1/traces',
        toProtobuf('traces', oneTrace([{ ...bad, spanId: 'abcd' }])),
        {
          contentType: PROTO,
        },
      );
      const answer = OtlpTypes.traceResponse.toObject(OtlpTypes.traceResponse.decode(proto.body), {
        longs: Number,
      });
      expect(answer.partialSuccess.rejectedSpans).toBe(1);
      expect(bridge?.stats.dropped.invalidRecords).toBe(2);
    });

    it('answers 400 with a google.rpc.Status that never quotes the body', async () => {
      const url = await start();
      const json = await postOtlp(url, '/v1/traces', '{"secret-prompt": ');
      expect(json.status).toBe(400);
      const status = JSON.parse(json.body.toString());
      expect(status).toEqual({ code: 3, message: 'the body is not valid JSON' });
      const proto = await postOtlp(
        url,
        '/v1/traces',
        Buffer.from('\xff\xff\xffsecret-prompt', 'latin1'),
        {
          contentType: PROTO,
        },
      );
      expect(proto.status).toBe(400);
      const decoded = OtlpTypes.status.toObject(OtlpTypes.status.decode(proto.body)) as {
        message: string;
      };
      expect(decoded.message).toMatch(/not a valid ExportTraceServiceRequest protobuf/);
      expect(decoded.message).not.toContain('secret');
      const notObject = await postOtlp(url, '/v1/traces', '[1]');
      expect(notObject.status).toBe(400);
      expect(bridge?.stats.requestsRefused).toEqual({ '400': 3 });
    });

    it('answers 400 for a gzip header on a body that is not gzip', async () => {
      const url = await start();
      const res = await postOtlp(url, '/v1/traces', '{}', {
        headers: { 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString()).message).toMatch(/Content-Encoding/);
    });

    it('answers 415 for another content type or encoding', async () => {
      const url = await start();
      const type = await postOtlp(url, '/v1/traces', '{}', { contentType: 'text/plain' });
      expect(type.status).toBe(415);
      expect(JSON.parse(type.body.toString()).message).toMatch(/application\/x-protobuf/);
      const enc = await postOtlp(url, '/v1/traces', '{}', {
        headers: { 'content-encoding': 'br' },
      });
      expect(enc.status).toBe(415);
    });

    it('answers 413 past the body limit, before and after decompression', async () => {
      const url = await start({ limits: { maxBodyBytes: 1024 } });
      const big = await postOtlp(url, '/v1/traces', Buffer.alloc(4096, 32));
      expect(big.status).toBe(413);
      const bomb = gzipSync(Buffer.alloc(1_000_000, 32));
      expect(bomb.length).toBeLessThan(1024);
      const res = await postOtlp(url, '/v1/traces', bomb, {
        headers: { 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body.toString()).message).toMatch(
        /decompressed body exceeds 1024 bytes/,
      );
    });

    it('answers 503 with Retry-After once pending records reach their cap', async () => {
      const url = await start({ limits: { maxPendingRecords: 2 } });
      const traceId = hex(16);
      const spans = [1, 2, 3].map(() => span({ traceId, name: 'x' }));
      const first = await postOtlp(url, '/v1/traces', JSON.stringify(tracesRequest({}, spans)));
      expect(first.status).toBe(200);
      const second = await postOtlp(url, '/v1/traces', JSON.stringify(oneTrace()));
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('5');
      expect(JSON.parse(second.body.toString())).toMatchObject({ code: 14 });
    });

    it('answers 429 with Retry-After when too many bodies are in flight', async () => {
      const url = await start({ limits: { maxInflightBodyBytes: 10 } });
      const res = await postOtlp(url, '/v1/traces', JSON.stringify(oneTrace()));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('5');
    });
  });

  describe('other routes', () => {
    it('accepts logs and metrics and counts their records', async () => {
      const url = await start();
      const logs = await postOtlp(url, '/v1/logs', JSON.stringify({ resourceLogs: [] }));
      expect(logs.status).toBe(200);
      const metrics = {
        resourceMetrics: [
          {
            scopeMetrics: [
              { metrics: [{ name: 'm', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } }] },
            ],
          },
        ],
      };
      const res = await postOtlp(url, '/v1/metrics', toProtobuf('metrics', metrics), {
        contentType: PROTO,
        gzip: true,
      });
      expect(res.status).toBe(200);
      expect(bridge?.stats.received.dataPoints).toBe(2);
    });

    it('answers GET /health, 405 for GET on an OTLP path and 404 elsewhere', async () => {
      const url = await start();
      const health = await postOtlp(url, '/health', '', { method: 'GET' });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok', tasksReported: 0 });
      expect((await postOtlp(url, '/v1/traces', '', { method: 'GET' })).status).toBe(405);
      expect((await postOtlp(url, '/v2/other', '{}')).status).toBe(404);
    });

    it('mounts on an existing server and leaves other requests to it', async () => {
      handler = createOtlpHandler(OFF);
      const h = handler;
      server = createServer((req, res) => {
        if (h(req, res)) return;
        res.writeHead(418).end('mine');
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await postOtlp(url, '/v1/traces', JSON.stringify(oneTrace()))).status).toBe(200);
      expect((await postOtlp(url, '/api/x', '{}')).status).toBe(418);
      expect(handler.stats.received.spans).toBe(1);
    });
  });
});

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeInternals } from '../src/receiver/bridge-runtime.js';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';

const OFF = { telemetry: { enabled: false } };

/** What a sender saw: the answer, or that its connection was cut before one came. */
interface Seen {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/**
 * A request whose body is written by the caller (`write`, never ended unless asked): chunked when
 * `contentLength` is undefined; sent from `localAddress` (any 127.x address reaches loopback).
 */
function openRequest(
  url: string,
  localAddress: string,
  contentLength?: number,
): { req: http.ClientRequest; seen: Promise<Seen> } {
  const req = http.request(`${url}/v1/traces`, {
    method: 'POST',
    agent: false,
    localAddress,
    headers: {
      'content-type': 'application/json',
      ...(contentLength === undefined ? {} : { 'content-length': String(contentLength) }),
    },
  });
  const seen = new Promise<Seen>((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', () => resolve({ status: 0, retryAfter: undefined, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: undefined, body: '' }));
  });
  req.flushHeaders();
  return { req, seen };
}

/** A normal 1 KB-class export, sent whole. */
async function normalExport(url: string, localAddress: string): Promise<Seen> {
  const body = JSON.stringify(
    tracesRequest({ 'service.name': 'svc' }, [
      span({ traceId: hex(16), name: 'work', attributes: { note: 'x'.repeat(800) } }),
    ]),
  );
  const { req, seen } = openRequest(url, localAddress, Buffer.byteLength(body));
  req.end(body);
  return seen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fair intake', () => {
  let bridge: Bridge | undefined;
  const open: http.ClientRequest[] = [];
  afterEach(async () => {
    for (const req of open.splice(0)) req.destroy();
    await bridge?.close();
    bridge = undefined;
  });
  const start = async (internals: BridgeInternals) => {
    bridge = await startBridge({ port: 0, ...OFF }, internals);
    return bridge;
  };

  it('counts 200 chunked bodies held open by their real bytes, within the cap and the address share, while another sender is served', async () => {
    const limits = {
      maxInflightBodyBytes: 8 * 1024 * 1024,
      maxInflightBytesPerClient: 2 * 1024 * 1024,
      bodyTimeoutMs: 2_000,
    };
    const b = await start({ limits });
    let peak = 0;
    const poll = setInterval(() => {
      peak = Math.max(peak, b.stats.inflightBytes);
    }, 5);
    const chunk = Buffer.alloc(96 * 1024, 0x20);
    const held = Array.from({ length: 200 }, () => {
      const r = openRequest(b.url, '127.0.0.2');
      open.push(r.req);
      r.req.write(chunk);
      return r;
    });
    // Every body has sent its bytes: they are counted, some refused, none acknowledged.
    await sleep(800);
    peak = Math.max(peak, b.stats.inflightBytes);
    expect(peak).toBeLessThanOrEqual(limits.maxInflightBytesPerClient);
    expect(b.stats.budgetRefusals.clientShare).toBeGreaterThan(0);
    const normal = await normalExport(b.url, '127.0.0.3');
    expect(normal.status).toBe(200);
    // The held bodies stop arriving: each is cut after the body timeout, its bytes released.
    const answers = await Promise.all(held.map((r) => r.seen));
    clearInterval(poll);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBe(b.stats.budgetRefusals.clientShare);
    for (const a of refused) {
      expect(a.retryAfter).toBe('5');
      expect(a.body).toContain('this client address has too many request bytes in flight');
    }
    expect(answers.every((a) => a.status !== 200)).toBe(true);
    expect(b.stats.budgetRefusals.bodyTimeout).toBeGreaterThan(0);
    expect(b.stats.inflightBytes).toBe(0);
    expect(peak).toBeLessThanOrEqual(limits.maxInflightBytesPerClient);
  }, 30_000);

  it('serves a fifth sender while four stalled ones declare 16 MiB bodies and send one byte', async () => {
    const b = await start({});
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      const r = openRequest(b.url, address, 16 * 1024 * 1024);
      open.push(r.req);
      r.req.write('{');
    }
    await sleep(200);
    expect(b.stats.inflightBytes).toBe(4);
    for (const address of ['127.0.0.6', '127.0.0.1']) {
      const answer = await normalExport(b.url, address);
      expect(answer.status).toBe(200);
    }
    expect(b.stats.requestsRefused).toEqual({});
  });

  it('cuts a body that stops arriving after the body timeout and releases its bytes', async () => {
    const b = await start({ limits: { bodyTimeoutMs: 300 } });
    const r = openRequest(b.url, '127.0.0.1', 10_000);
    open.push(r.req);
    r.req.write('x'.repeat(1000));
    await sleep(100);
    expect(b.stats.inflightBytes).toBe(1000);
    const started = Date.now();
    const answer = await r.seen;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body).toContain('sent nothing for 0.3 s and was cut');
    expect(b.stats.budgetRefusals.bodyTimeout).toBe(1);
    expect(b.stats.inflightBytes).toBe(0);
    expect((await normalExport(b.url, '127.0.0.1')).status).toBe(200);
  });
});

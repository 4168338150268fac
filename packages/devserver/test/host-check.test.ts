import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { createHostCheck } from '../src/server/create-host-check.js';
import { makeEvent } from './make-event.js';

interface Answer {
  status: number;
  body: string;
}

/** One request over real loopback HTTP with a raw `Host` header of our choosing. */
function send(
  server: DevServer,
  method: string,
  path: string,
  host: string,
  body?: { type: string; data: string },
  bearer = false,
): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method,
        path,
        setHost: false,
        headers: {
          Host: host,
          ...(bearer && { Authorization: `Bearer ${server.apiKey}` }),
          ...(body && {
            'Content-Type': body.type,
            'Content-Length': Buffer.byteLength(body.data),
          }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body?.data);
  });
}

const eventsBody = (server: DevServer) => ({
  type: 'application/json',
  data: JSON.stringify({ events: [makeEvent(server.instanceId)] }),
});
const predictionsBody = {
  type: 'application/json',
  data: JSON.stringify({
    queries: [{ task_type: 'implementation', model: 'm', provider: 'openai', complexity: 'low' }],
  }),
};
/** One OTLP/JSON task span, as a sender would export it. */
const otlpBody = () => ({
  type: 'application/json',
  data: JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'task',
                kind: 1,
                startTimeUnixNano: `${BigInt(Date.now() - 1000) * 1_000_000n}`,
                endTimeUnixNano: `${BigInt(Date.now()) * 1_000_000n}`,
                attributes: [{ key: 'mosaic.task.type', value: { stringValue: 'implementation' } }],
                status: {},
              },
            ],
          },
        ],
      },
    ],
  }),
});

/** Every route family: web view, its JSON routes, health, the v1 routes, OTLP. */
const ROUTES = (server: DevServer) =>
  [
    ['GET', '/', undefined],
    ['GET', '/assets/app.js', undefined],
    ['GET', '/api/tasks', undefined],
    ['GET', '/api/summary', undefined],
    ['GET', '/health', undefined],
    ['POST', '/v1/events/batch', eventsBody(server)],
    ['POST', '/v1/predictions/batch', predictionsBody],
    ['POST', '/v1/traces', otlpBody()],
  ] as const;

describe('Host check (DNS rebinding)', () => {
  const open: DevServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const start = async (options: Parameters<typeof startDevServer>[0] = {}) => {
    const server = await startDevServer({ rateLimit: false, ...options });
    open.push(server);
    return server;
  };

  it('refuses a foreign Host with 403 on every route, naming the Host and the fix, and stores nothing', async () => {
    const server = await start();
    for (const [method, path, body] of ROUTES(server)) {
      const answer = await send(server, method, path, 'evil.example', body, true);
      expect(answer.status, `${method} ${path}`).toBe(403);
      const error = (JSON.parse(answer.body) as { error: string }).error;
      expect(error).toContain('Host "evil.example"');
      expect(error).toContain('--allowed-host evil.example');
      expect(error).not.toContain(server.apiKey);
    }
    const { port } = new URL(server.url);
    const withPort = await send(server, 'GET', '/api/tasks', `evil.example:${port}`);
    expect(withPort.status).toBe(403);
    expect(server.otlpStats?.received.spans).toBe(0);
    expect(server.countEvents()).toBe(0);
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST.', '127.0.0.2'])(
    'answers every route for Host %s, with or without the port',
    async (name) => {
      const server = await start();
      const { port } = new URL(server.url);
      for (const host of [name, `${name}:${port}`, `${name}:8080`]) {
        for (const [method, path, body] of ROUTES(server)) {
          const answer = await send(server, method, path, host, body, true);
          expect(answer.status, `${method} ${path} Host ${host}`).toBe(200);
        }
      }
      expect(server.countEvents()).toBe(3);
    },
  );

  it('answers the names given in allowedHosts (a leading dot: the names under it) and no others', async () => {
    const server = await start({ allowedHosts: ['devbox.test', '.example.test'] });
    for (const host of ['devbox.test', 'DEVBOX.test:4000', 'example.test', 'a.b.example.test:1']) {
      expect((await send(server, 'GET', '/api/summary', host)).status, host).toBe(200);
    }
    for (const host of [
      'evil.example',
      'devbox.test.evil.example',
      'notexample.test',
      '10.0.0.5',
    ]) {
      expect((await send(server, 'GET', '/api/summary', host)).status, host).toBe(403);
    }
  });

  it('refuses a request without a Host header (HTTP/1.0) and a malformed Host', async () => {
    const server = await start();
    const { port } = new URL(server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end('GET /api/tasks HTTP/1.0\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 403/);
    expect(raw).toContain('no Host header');
    for (const host of ['localhost@evil.example', 'localhost/evil', 'local host']) {
      expect((await send(server, 'GET', '/api/tasks', host)).status, host).toBe(403);
    }
  });

  it('decides by name for each bind address', () => {
    const loopback = createHostCheck({ host: '127.0.0.1' });
    expect(loopback('localhost:8931')).toBe(true);
    expect(loopback('[::1]:8931')).toBe(true);
    expect(loopback('192.168.1.20:8931')).toBe(false);
    expect(loopback('evil.example')).toBe(false);
    expect(loopback(undefined)).toBe(false);
    // Bound beyond loopback, any address literal passes (it cannot be rebound); names still do not.
    const wildcard = createHostCheck({ host: '0.0.0.0' });
    expect(wildcard('192.168.1.20:8931')).toBe(true);
    expect(wildcard('[fe80::1]:8931')).toBe(true);
    expect(wildcard('evil.example:8931')).toBe(false);
    // A bound host name passes.
    const named = createHostCheck({ host: 'devbox.internal' });
    expect(named('devbox.internal:8931')).toBe(true);
    expect(named('other.internal')).toBe(false);
  });
});

import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { createHttpTransport, type Transport } from '../../src/transport/http-transport.js';

const KEY = 'ab'.repeat(32);

describe('createHttpTransport', () => {
  let server: RecordingServer;
  let transport: Transport;

  beforeEach(async () => {
    server = await startRecordingServer();
    server.respondWith(() => ({ status: 200, body: '{}' }));
    transport = createHttpTransport({
      serverUrl: server.url,
      apiKey: KEY,
      userAgent: 'ua/1',
      timeoutMs: 5000,
    });
  });
  afterEach(async () => {
    transport.close();
    await server.close();
  });

  describe('send', () => {
    it('sends the body with its length in bytes, the host and the fixed headers', async () => {
      const body = '{"model":"é 漢字 😀 \\ud800"}';
      const result = await transport.send('/v1/events/batch', body);
      expect(result).toEqual({ status: 'success', statusCode: 200, body: '{}' });
      const [req] = server.requests;
      expect(req?.body).toBe(body);
      expect(req?.headers).toMatchObject({
        host: new URL(server.url).host,
        'content-length': String(Buffer.byteLength(body)),
        'content-type': 'application/json',
        authorization: `Bearer ${KEY}`,
        'user-agent': 'ua/1',
        accept: 'application/json',
        connection: 'keep-alive',
      });
    });

    it('delivers every body intact when requests overlap and reuse body buffers', async () => {
      const bodies = Array.from({ length: 24 }, (_, i) =>
        JSON.stringify({ i, pad: String.fromCharCode(97 + (i % 26)).repeat((i * 9973) % 200_000) }),
      );
      for (let i = 0; i < bodies.length; i += 3) {
        const results = await Promise.all(
          bodies.slice(i, i + 3).map((body) => transport.send('/v1/events/batch', body)),
        );
        for (const result of results) expect(result.status).toBe('success');
      }
      expect(server.requests.map((r) => r.body).sort()).toEqual([...bodies].sort());
    });

    it('sends again intact after a request failed before its body was written', async () => {
      server.respondWith((_req, index) => (index === 0 ? 'reset' : { status: 200, body: '{}' }));
      const first = await transport.send('/v1/events/batch', 'x'.repeat(50_000));
      expect(first.status).toBe('retryable');
      const second = await transport.send('/v1/events/batch', 'y'.repeat(10));
      expect(second.status).toBe('success');
      expect(server.requests.map((r) => r.body)).toEqual(['x'.repeat(50_000), 'y'.repeat(10)]);
    });
  });
});

describe('createHttpTransport against a server that does not speak HTTP', () => {
  describe('send', () => {
    it('answers retryable for a garbled answer, so the events are resent, not lost', async () => {
      const server = net.createServer((socket) => {
        socket.once('data', () => socket.end('HELLO THIS IS NOT HTTP\r\n\r\n'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const transport = createHttpTransport({
        serverUrl: `http://127.0.0.1:${port}`,
        apiKey: KEY,
        userAgent: 'ua/1',
        timeoutMs: 5000,
      });
      try {
        const result = await transport.send('/v1/events/batch', '{"events":[]}');
        expect(result.status).toBe('retryable');
        expect((result as { error: NodeJS.ErrnoException }).error.code).toMatch(/^HPE_/);
      } finally {
        transport.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { sendTask } from './send-task.js';

const open: DevServer[] = [];
const dirs: string[] = [];

/** Listening TCP servers of this process (the HTTP and gRPC listeners alike). */
const listeningServers = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

/** Waits until this process has `n` listening TCP servers (a closed one leaves a moment late). */
const settled = (n: number) => vi.waitFor(() => expect(listeningServers()).toBe(n));

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await settled(0);
});

async function start(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  const server = await startDevServer({ rateLimit: false, ...options });
  open.push(server);
  return server;
}

describe('startDevServer', () => {
  describe('OTLP/gRPC (embedded bridge, otlp.grpcPort)', () => {
    it('stores the task of a trace the OTel gRPC exporter sends to its gRPC port', async () => {
      const server = await start({ otlp: { taskIdleMs: 200, grpcPort: 0 } });
      expect(server.otlpGrpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.otlpGrpcUrl).not.toBe(server.url);
      await sendTask(server.otlpGrpcUrl as string, { 'mosaic.task.type': 'implementation' });
      await vi.waitFor(() => expect(server.countEvents()).toBe(1), { timeout: 10_000 });
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
    });

    it('delivers a task still open at close(), before the database closes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'devserver-otlp-grpc-'));
      dirs.push(dir);
      const dbPath = join(dir, 'events.db');
      const first = await startDevServer({ dbPath, rateLimit: false, otlp: { grpcPort: 0 } });
      await sendTask(first.otlpGrpcUrl as string, { 'mosaic.task.type': 'debugging' });
      expect(first.countEvents()).toBe(0); // the trace is still settling
      await first.close();
      const again = await start({ dbPath });
      expect(again.listEvents().map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('opens no gRPC listener unless asked, nor with otlp: false', async () => {
      const plain = await start();
      expect(plain.otlpGrpcUrl).toBeUndefined();
      const off = await start({ otlp: false });
      expect(off.otlpGrpcUrl).toBeUndefined();
      expect(listeningServers()).toBe(2);
    });

    it('rejects and leaves nothing listening when the gRPC port is taken', async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as AddressInfo).port;
      try {
        await expect(start({ otlp: { grpcPort: taken } })).rejects.toThrow(
          `the OTLP/gRPC address 127.0.0.1:${taken} is in use`,
        );
        await settled(1); // the holder only
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
      }
    });
  });
});

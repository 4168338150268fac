import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { sendTask } from './send-task.js';

const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Settles after exit once stdout and stderr have ended, so both hold all output. */
  closed: Promise<unknown>;
}

const run = (args: string[]): Run => {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const closed = once(child, 'close');
  return { child, stdout: () => stdout, stderr: () => stderr, exited, closed };
};

/**
 * Resolves with VALUE once stdout holds a `NAME=VALUE` line; rejects if the child exits first.
 * Event-driven, with no deadline of its own: a slow start on a loaded machine only has to beat
 * the test timeout.
 */
const waitForEnv = (target: Run, name: string): Promise<string> => {
  const pattern = new RegExp(`^${name}=(\\S+)$`, 'm');
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(target.stdout());
      if (!match?.[1]) return false;
      target.child.stdout?.off('data', onData);
      resolve(match[1]);
      return true;
    };
    const onData = () => {
      // The listener in run() appended the chunk first, so stdout() already holds it.
      check();
    };
    if (check()) return;
    target.child.stdout?.on('data', onData);
    void target.closed.then(() => {
      if (!check()) {
        reject(new Error(`no ${name} line; stdout: ${target.stdout()} stderr: ${target.stderr()}`));
      }
    });
  });
};

/** A plain TCP listener on 127.0.0.1:port (0 for a free one), to hold a port taken. */
const listenOn = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('cli', () => {
  let dir: string;
  let running: Run | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-devserver-cli-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  describe('mosaic-telemetry-devserver', () => {
    it('prints URL, key, instance and env lines, stores events and exits 0 on SIGTERM', async () => {
      const dbPath = join(dir, 'cli.db');
      running = run(['--port', '0', '--db', dbPath]);
      expect(await waitForEnv(running, 'MOSAIC_TELEMETRY_ENABLED')).toBe('1');
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      const apiKey = await waitForEnv(running, 'MOSAIC_TELEMETRY_API_KEY');
      const instanceId = await waitForEnv(running, 'MOSAIC_TELEMETRY_INSTANCE_ID');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(running.stdout()).toContain(`listening on ${url}`);
      expect(running.stdout()).toContain(apiKey);

      const event = makeEvent(instanceId);
      const response = await fetch(`${url}/v1/events/batch`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: [event] }),
      });
      expect(await response.json()).toMatchObject({ accepted: 1 });

      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);

      const reopened = await startDevServer({ dbPath });
      expect(reopened.apiKey).toBe(apiKey);
      expect(reopened.listEvents()).toEqual([event]);
      await reopened.close();
    });

    it('takes OTLP/gRPC on --otlp-grpc-port, printed beside the HTTP port, and stores its tasks', async () => {
      const dbPath = join(dir, 'grpc.db');
      running = run(['--port', '0', '--db', dbPath, '--otlp-grpc-port', '0']);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      const line =
        /^ {2}OTLP in: +HTTP on port (\d+) \(\/v1\/traces, \/v1\/logs, \/v1\/metrics\), gRPC on port (\d+) \((http:\/\/127\.0\.0\.1:\d+)\)$/m.exec(
          running.stdout(),
        );
      expect(line?.[1]).toBe(new URL(url).port);
      const grpcUrl = line?.[3] as string;
      expect(new URL(grpcUrl).port).toBe(line?.[2]);
      expect(line?.[2]).not.toBe(line?.[1]);
      expect(running.stdout()).toContain(
        `OTEL_EXPORTER_OTLP_ENDPOINT=${grpcUrl}\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc`,
      );
      await sendTask(grpcUrl, { 'mosaic.task.type': 'implementation' });
      // SIGTERM closes the embedded bridge's open tasks and delivers them before the exit.
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      const reopened = await startDevServer({ dbPath, otlp: false });
      const events = reopened.listEvents();
      await reopened.close();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ task_type: 'implementation', actual_input_tokens: 100 });
    });

    it('takes no OTLP/gRPC with --otlp-grpc-port off, and says so', async () => {
      running = run(['--port', '0', '--db', ':memory:', '--otlp-grpc-port', 'off']);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      expect(running.stdout()).toContain(
        `OTLP in:     HTTP on port ${new URL(url).port} (/v1/traces, /v1/logs, /v1/metrics), gRPC off (--otlp-grpc-port off)`,
      );
      expect(running.stdout()).not.toContain('OTEL_EXPORTER_OTLP_PROTOCOL=grpc');
    });

    it('exits 1 when the --otlp-grpc-port asked for is taken', async () => {
      const taken = await listenOn(0);
      try {
        const port = (taken.address() as { port: number }).port;
        running = run(['--port', '0', '--db', ':memory:', '--otlp-grpc-port', String(port)]);
        expect(await running.exited).toBe(1);
        expect(running.stderr()).toContain(
          `mosaic-telemetry-devserver: the OTLP/gRPC address 127.0.0.1:${port} is in use`,
        );
      } finally {
        taken.close();
      }
    });

    it('starts without OTLP/gRPC, saying why, when the default port 4317 is taken', async () => {
      // Held here, or by another process on this machine: taken either way.
      const held = await listenOn(4317).catch(() => undefined);
      try {
        running = run(['--port', '0', '--db', ':memory:']);
        await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
        expect(running.stdout()).toContain(
          'gRPC off (port 4317 is taken; pass --otlp-grpc-port <n>)',
        );
        expect(running.stderr()).toContain('warning: no OTLP/gRPC listener');
      } finally {
        held?.close();
      }
    });

    it('exits 0 on SIGINT', async () => {
      running = run(['--port', '0', '--db', ':memory:']);
      await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      running.child.kill('SIGINT');
      expect(await running.exited).toBe(0);
    });

    it.each([
      [['--nope'], /Unknown option '--nope'/],
      [['--port', 'abc'], /--port must be an integer from 0 to 65535, got "abc"/],
      [['--port', '70000'], /--port must be an integer/],
      [['--otlp-grpc-port', 'x'], /--otlp-grpc-port must be an integer from 0 to 65535 or off/],
      [['--otlp-grpc-port', '65536'], /--otlp-grpc-port must be an integer/],
      [['extra'], /positional argument/],
    ])('exits 2 with a message when the flags are %j', async (args, message) => {
      running = run(args);
      expect(await running.exited).toBe(2);
      expect(running.stderr()).toMatch(message);
      expect(running.stderr()).toContain('Usage:');
    });

    it('prints the web view URL next to the env lines, and the page answers', async () => {
      running = run(['--port', '0', '--db', ':memory:']);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      expect(running.stdout()).toContain(`Open the web view: ${url}/`);
      expect(running.stdout()).toContain(`Web view:    ${url}/`);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Mosaic telemetry');
    });

    it('serves with the pinned --api-key and --instance-id', async () => {
      const apiKey = 'ab'.repeat(32);
      const instanceId = '123e4567-e89b-42d3-a456-426614174000';
      running = run([
        '--port',
        '0',
        '--db',
        ':memory:',
        '--api-key',
        apiKey,
        '--instance-id',
        instanceId,
      ]);
      expect(await waitForEnv(running, 'MOSAIC_TELEMETRY_API_KEY')).toBe(apiKey);
      expect(await waitForEnv(running, 'MOSAIC_TELEMETRY_INSTANCE_ID')).toBe(instanceId);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      const response = await fetch(`${url}/v1/events/batch`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: [makeEvent(instanceId)] }),
      });
      expect(await response.json()).toMatchObject({ accepted: 1 });
    });

    it('never answers 429 with --no-rate-limit', async () => {
      running = run(['--port', '0', '--db', ':memory:', '--no-rate-limit']);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      const apiKey = await waitForEnv(running, 'MOSAIC_TELEMETRY_API_KEY');
      expect(running.stdout()).toContain('Rate limit:  off');
      // The default bucket holds 200 requests: 260 at once would see 429s with the limit on.
      const statuses = await Promise.all(
        Array.from({ length: 260 }, () =>
          fetch(`${url}/v1/predictions/batch`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({
              queries: [
                { task_type: 'testing', model: 'm', provider: 'openai', complexity: 'low' },
              ],
            }),
          }).then((r) => r.status),
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    });

    it('prints its version with --version', async () => {
      running = run(['--version']);
      expect(await running.exited).toBe(0);
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      expect(running.stdout().trim()).toBe(pkg.version);
    });

    it.each([
      [['--api-key', 'short'], /--api-key must be 64 hexadecimal characters \(got 5 characters\)/],
      [['--api-key', 'g'.repeat(64)], /--api-key must be 64 hexadecimal characters/],
      [['--instance-id', 'not-a-uuid'], /--instance-id must be a UUID .*got "not-a-uuid"/],
    ])(
      'refuses bad credentials %j naming the flag, without echoing a key',
      async (args, message) => {
        running = run(args);
        expect(await running.exited).toBe(2);
        expect(running.stderr()).toMatch(message);
        if (args[0] === '--api-key') expect(running.stderr()).not.toContain(args[1]);
      },
    );

    it.each([
      ['--port', 'KEY'],
      ['--host', 'KEY'],
      ['--instance-id', 'KEY'],
      ['--allowed-host', 'KEY'],
      ['--port=KEY'],
      ['KEY'],
      ['--KEY'],
    ])('never echoes an API key pasted into %s', async (...args) => {
      const key = randomBytes(32).toString('hex');
      running = run([...args.map((a) => a.replace('KEY', key)), '--db', ':memory:']);
      expect(await running.exited).not.toBe(0);
      expect(running.stderr()).toMatch(/^mosaic-telemetry-devserver: /m);
      expect(running.stdout() + running.stderr()).not.toContain(key.slice(0, 32));
    });

    it('answers the names given with --allowed-host, and 403 to any other Host', async () => {
      running = run(['--port', '0', '--db', ':memory:', '--allowed-host', 'devbox.test']);
      const url = await waitForEnv(running, 'MOSAIC_TELEMETRY_SERVER_URL');
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const { port } = new URL(url);
          request(
            {
              host: '127.0.0.1',
              port: Number(port),
              path: '/api/summary',
              setHost: false,
              headers: { Host: host },
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
            .on('error', reject)
            .end();
        });
      expect(await status('devbox.test:8931')).toBe(200);
      expect(await status('localhost')).toBe(200);
      expect(await status('evil.example')).toBe(403);
    });

    it('prints usage and exits 0 with --help', async () => {
      running = run(['--help']);
      expect(await running.exited).toBe(0);
      expect(running.stdout()).toMatch(/^Usage: mosaic-telemetry-devserver/);
      expect(running.stdout()).toContain('--db <path>');
      expect(running.stdout()).toContain('--allowed-host <name>');
      expect(running.stdout()).toContain('--otlp-grpc-port <n|off>');
    });
  });
});

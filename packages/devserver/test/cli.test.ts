import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';

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
    });
  });
});

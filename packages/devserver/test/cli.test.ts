import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
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
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
};

/** Waits until stdout holds `line=VALUE` and returns VALUE. */
const waitForEnv = async (target: Run, name: string): Promise<string> => {
  const pattern = new RegExp(`^${name}=(\\S+)$`, 'm');
  for (let i = 0; i < 200; i++) {
    const match = pattern.exec(target.stdout());
    if (match?.[1]) return match[1];
    if (target.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${name} line; stdout: ${target.stdout()} stderr: ${target.stderr()}`);
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

    it('prints usage and exits 0 with --help', async () => {
      running = run(['--help']);
      expect(await running.exited).toBe(0);
      expect(running.stdout()).toMatch(/^Usage: mosaic-telemetry-devserver/);
      expect(running.stdout()).toContain('--db <path>');
    });
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCapture } from './support/captures.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/recording-upstream.js';

const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const INSTANCE = '123e4567-e89b-42d3-a456-426614174000';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Settles after exit once stdout and stderr have ended, with the exit code. */
  closed: Promise<number | null>;
}

/** State directories made for runs (the CLI spools under `$XDG_STATE_HOME` by default). */
const stateDirs: string[] = [];

/**
 * The environment without any MOSAIC_ or OTEL_ variable of the test run, with a fresh
 * `XDG_STATE_HOME` (so runs never share a spool, nor touch the user's), plus `extra`.
 */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const state = mkdtempSync(join(tmpdir(), 'bridge-cli-state-'));
  stateDirs.push(state);
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('MOSAIC_') && !k.startsWith('OTEL_'),
      ),
    ),
    XDG_STATE_HOME: state,
    ...extra,
  };
};

const running: Run[] = [];

const run = (args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Run => {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = once(child, 'close').then(([code]) => code as number | null);
  const handle = { child, stdout: () => stdout, stderr: () => stderr, closed };
  running.push(handle);
  return handle;
};

/**
 * Resolves with the first match of `pattern` on the child's stdout or stderr; rejects if the child
 * ends first. Event-driven: a slow start on a loaded machine only has to beat the test timeout.
 */
const waitFor = (
  target: Run,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
): Promise<RegExpExecArray> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(target[stream]());
      if (match) {
        target.child[stream]?.off('data', check);
        resolve(match);
      }
    };
    target.child[stream]?.on('data', check);
    check();
    void target.closed.then(() =>
      reject(new Error(`exited; stdout: ${target.stdout()} stderr: ${target.stderr()}`)),
    );
  });

/** Resolves with the listening URL once the whole banner is out. */
const listening = async (target: Run): Promise<string> =>
  (
    await waitFor(
      target,
      'stdout',
      /listening on (http:\/\/\S+) .*\n[\s\S]*OTEL_RESOURCE_ATTRIBUTES/,
    )
  )[1] as string;

describe('mosaic-telemetry-bridge CLI', () => {
  let upstream: RecordingUpstream | undefined;
  afterEach(async () => {
    for (const r of running.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await r.closed;
    }
    await upstream?.close();
    upstream = undefined;
    for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('--help lists every flag and the environment variables, and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.closed).toBe(0);
    for (const word of [
      '--port',
      '--grpc-port',
      '--host',
      '--task-idle-ms',
      '--spool-dir',
      '--version',
      '--help',
      'MOSAIC_TELEMETRY_SERVER_URL',
      'MOSAIC_TELEMETRY_API_KEY',
      'MOSAIC_TELEMETRY_INSTANCE_ID',
      'MOSAIC_TELEMETRY_ENABLED',
    ]) {
      expect(r.stdout()).toContain(word);
    }
  });

  it('spools by default under $XDG_STATE_HOME and says where; --spool-dir off says memory only', async () => {
    const env = cleanEnv();
    const on = run(['--port', '0', '--grpc-port', 'off'], env);
    await listening(on);
    const dir = join(env.XDG_STATE_HOME as string, 'mosaic-telemetry-bridge');
    expect(on.stdout()).toContain(`Spool: ${dir} (0 of 268435456 bytes used;`);
    const off = run(['--port', '0', '--grpc-port', 'off', '--spool-dir', 'off']);
    await listening(off);
    expect(off.stdout()).toContain('Spool: off (--spool-dir off)');
  });

  it('refuses a spool folder another bridge holds, naming it, with exit code 1', async () => {
    const env = cleanEnv();
    const dir = join(env.XDG_STATE_HOME as string, 'shared-spool');
    const first = run(['--port', '0', '--grpc-port', 'off', '--spool-dir', dir], env);
    await listening(first);
    const second = run(['--port', '0', '--grpc-port', 'off', '--spool-dir', dir], env);
    expect(await second.closed).toBe(1);
    expect(second.stderr()).toContain(
      `mosaic-telemetry-bridge: the spool ${dir} is in use by another bridge`,
    );
  });

  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = run([flag]);
      expect(await r.closed).toBe(0);
      expect(r.stdout().trim()).toBe(VERSION);
    }
  });

  it.each([
    ['--port', 'KEY'],
    ['--task-idle-ms', 'KEY'],
    ['--grpc-port', 'KEY'],
    ['--host', 'KEY'],
    ['--port=KEY'],
    ['KEY'],
    ['--KEY'],
  ])(
    'never echoes an API key pasted into %s, and prefixes the error with the program name',
    async (...args) => {
      const key = randomBytes(32).toString('hex');
      const r = run(args.map((a) => a.replace('KEY', key)));
      const code = await r.closed;
      expect(code).not.toBe(0);
      expect(r.stderr()).toMatch(/^mosaic-telemetry-bridge: /m);
      expect(r.stdout() + r.stderr()).not.toContain(key);
      expect((r.stdout() + r.stderr()).toLowerCase()).not.toContain(key.slice(0, 32));
    },
  );

  it('refuses a bad port with usage and exit code 2', async () => {
    const r = run(['--port', '70000']);
    expect(await r.closed).toBe(2);
    expect(r.stderr()).toContain(
      'mosaic-telemetry-bridge: --port must be an integer from 0 to 65535',
    );
    expect(r.stderr()).toContain('Usage: mosaic-telemetry-bridge');
  });

  it('listens on OTLP/gRPC too and prints its URL and the gRPC env lines, unless --grpc-port off', async () => {
    const on = run(['--port', '0']);
    await listening(on);
    const grpc = /listening on (http:\/\/127\.0\.0\.1:\d+) \(OTLP\/gRPC/.exec(on.stdout());
    expect(grpc).not.toBeNull();
    expect(on.stdout()).toContain(`GEMINI_TELEMETRY_OTLP_ENDPOINT=${grpc?.[1]}`);
    const off = run(['--port', '0', '--grpc-port', 'off']);
    await listening(off);
    expect(off.stdout()).not.toContain('OTLP/gRPC');
  });

  it('says prominently that delivery is off, and which variables are missing', async () => {
    const r = run(['--port', '0']);
    await listening(r);
    expect(r.stdout()).toContain('DELIVERY IS OFF');
    for (const name of [
      'MOSAIC_TELEMETRY_SERVER_URL',
      'MOSAIC_TELEMETRY_API_KEY',
      'MOSAIC_TELEMETRY_INSTANCE_ID',
    ]) {
      expect(r.stdout()).toContain(name);
    }
    await waitFor(r, 'stderr', /^mosaic-telemetry-bridge: warning: DELIVERY IS OFF/m);
  });

  it('names MOSAIC_TELEMETRY_ENABLED=0 as the reason when it switched delivery off', async () => {
    upstream = await startRecordingUpstream();
    const r = run(
      ['--port', '0'],
      cleanEnv({
        MOSAIC_TELEMETRY_ENABLED: '0',
        MOSAIC_TELEMETRY_SERVER_URL: upstream.url,
        MOSAIC_TELEMETRY_API_KEY: hex(32),
        MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE,
      }),
    );
    await listening(r);
    expect(r.stdout()).toContain('DELIVERY IS OFF');
    expect(r.stdout()).toContain('switched off by MOSAIC_TELEMETRY_ENABLED=0');
  });

  it('says where it delivers (URL and instance, never the key), delivers, and exits 0 on SIGINT', async () => {
    upstream = await startRecordingUpstream();
    const key = hex(32);
    const r = run(
      ['--port', '0', '--task-idle-ms', '1000'],
      cleanEnv({
        MOSAIC_TELEMETRY_SERVER_URL: upstream.url,
        MOSAIC_TELEMETRY_API_KEY: key,
        MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE,
      }),
    );
    const url = await listening(r);
    expect(r.stdout()).toContain(`Delivering task events to ${upstream.url} (instance ${INSTANCE}`);
    expect(r.stdout()).not.toContain('DELIVERY IS OFF');
    const traceId = hex(16);
    const body = tracesRequest({ 'service.name': 'agent' }, [
      span({ traceId, name: 'task', attributes: { 'mosaic.task.type': 'implementation' } }),
    ]);
    expect((await postOtlp(url, '/v1/traces', JSON.stringify(body))).status).toBe(200);
    r.child.kill('SIGINT');
    expect(await r.closed).toBe(0);
    const events = upstream.bodies.flatMap(
      (b) => (JSON.parse(b) as { events: Array<{ task_type: string }> }).events,
    );
    expect(events.map((e) => e.task_type)).toEqual(['implementation']);
    expect(r.stdout() + r.stderr()).not.toContain(key);
  });

  it('prints the Kilo Code, Qwen Code and Copilot CLI settings, and once that Kilo Code sends no usage', async () => {
    upstream = await startRecordingUpstream();
    const r = run(
      ['--port', '0', '--grpc-port', 'off', '--task-idle-ms', '1000'],
      cleanEnv({
        MOSAIC_TELEMETRY_SERVER_URL: upstream.url,
        MOSAIC_TELEMETRY_API_KEY: hex(32),
        MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE,
      }),
    );
    const url = await listening(r);
    for (const line of ['Kilo Code', 'Qwen Code', 'COPILOT_OTEL_ENABLED=true']) {
      expect(r.stdout()).toContain(line);
    }
    for (const capture of ['run1', 'run2-errors']) {
      for (const request of loadCapture('kilo', capture)) {
        const answer = await postOtlp(url, `/v1/${request.signal}`, request.body);
        expect(answer.status).toBe(200);
      }
    }
    r.child.kill('SIGINT');
    expect(await r.closed).toBe(0);
    const events = upstream.bodies.flatMap(
      (b) => (JSON.parse(b) as { events: Array<{ harness: string }> }).events,
    );
    expect(events.map((e) => e.harness)).toEqual(['kilo_code', 'kilo_code']);
    const said = (r.stdout() + r.stderr()).match(/Kilo Code 7\.7 exports no token usage/g) ?? [];
    expect(said).toHaveLength(1);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

// These tests run the BUILT entry (dist/register.mjs) in child processes, as users run it:
// `pnpm test` builds first; alone, run `pnpm --filter @mosaicstack/telemetry-exporter build`.
const REGISTER = fileURLToPath(new URL('../../dist/register.mjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/register/', import.meta.url));
const API_KEY = 'ab'.repeat(32);
const INSTANCE_ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Report {
  activeInside: boolean;
  otelPackages: string[];
  resources: string[];
  listeners: Record<string, number>;
  appProvider?: { contextRegistered?: boolean; traceRegistered?: boolean; spanNames: string[] };
}

/** Runs node with `args` in the fixtures folder under `env` alone; `onLine` sees stdout lines. */
function runNode(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string, child: ChildProcess) => void,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: FIXTURES,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The JSON a fixture printed on its line starting with `tag`. */
function printed<T = Report>(result: ChildResult, tag = 'REPORT'): T {
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (line === undefined) throw new Error(`no ${tag} line; stderr: ${result.stderr}`);
  return JSON.parse(line.slice(tag.length + 1)) as T;
}

function eventsAt(server: RecordingServer): Array<Record<string, unknown>> {
  return server.requests.flatMap(
    (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
  );
}

describe('register entry', () => {
  let server: RecordingServer;
  let enabledEnv: Record<string, string>;

  beforeAll(() => {
    if (!existsSync(REGISTER)) {
      throw new Error(
        `${REGISTER} is missing: run pnpm --filter @mosaicstack/telemetry-exporter build`,
      );
    }
  });
  beforeEach(async () => {
    server = await startRecordingServer();
    enabledEnv = {
      MOSAIC_TELEMETRY_ENABLED: 'true',
      MOSAIC_TELEMETRY_SERVER_URL: server.url,
      MOSAIC_TELEMETRY_API_KEY: API_KEY,
      MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE_ID,
      // NodeSDK would otherwise build an OTLP log exporter aimed at localhost:4318.
      OTEL_LOGS_EXPORTER: 'none',
    };
  });
  afterEach(async () => {
    await server.close();
  });

  describe('with telemetry off', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mosaic-register-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs the API-only app with the resolution logger, with or without the entry. */
    async function runLogged(withRegister: boolean, env: Record<string, string>) {
      const log = join(dir, `${withRegister ? 'with' : 'without'}.log`);
      const args = ['--import', './log-resolutions.mjs'];
      if (withRegister) args.push('--import', REGISTER);
      const result = await runNode([...args, 'api-only-app.mjs'], { ...env, RESOLVE_LOG: log });
      const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return { result, report: printed(result), resolved };
    }

    it('loads no OTel SDK module and makes no timer, socket or listener when the flag is unset', async () => {
      const baseline = await runLogged(false, {});
      const run = await runLogged(true, {});

      expect(run.result.code).toBe(0);
      expect(run.result.stderr).toBe('');
      // CommonJS loads (how every OTel package loads in Node) are in require.cache ...
      expect(run.report.otelPackages).toEqual(['api']);
      // ... and ES module resolutions went through the logging hook: the entry itself was
      // resolved, and no OTel module other than the app's own @opentelemetry/api.
      expect(run.resolved.some((url) => url.endsWith('/dist/register.mjs'))).toBe(true);
      const otel = run.resolved.filter((url) => url.includes('/@opentelemetry/'));
      expect(otel.every((url) => /\/@opentelemetry\/api\//.test(url))).toBe(true);
      // Nothing the process did not have without the entry: no timer, socket or listener.
      expect(run.report.resources).toEqual(baseline.report.resources);
      expect(run.report.listeners).toEqual({ SIGTERM: 0, SIGINT: 0, beforeExit: 0 });
      expect(run.report.activeInside).toBe(false);
      expect(server.requests).toHaveLength(0);
    });

    it('stays off when OTEL_SDK_DISABLED=true, whatever the flag says', async () => {
      const run = await runLogged(true, { ...enabledEnv, OTEL_SDK_DISABLED: 'true' });
      expect(run.result.code).toBe(0);
      expect(run.report.otelPackages).toEqual(['api']);
      expect(run.report.listeners).toEqual({ SIGTERM: 0, SIGINT: 0, beforeExit: 0 });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('with telemetry on', () => {
    it('delivers the task span of an app using only the OTel API before the app exits', async () => {
      const result = await runNode(['--import', REGISTER, 'api-only-app.mjs'], enabledEnv);

      expect(result.code).toBe(0);
      const report = printed(result);
      // Our fallback context manager makes startActiveSpan's span the active one.
      expect(report.activeInside).toBe(true);
      const events = eventsAt(server);
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        instance_id: INSTANCE_ID,
        task_type: 'debugging',
        model: 'claude-sonnet-4',
        provider: 'anthropic',
        actual_input_tokens: 1200,
        actual_output_tokens: 300,
        language: 'typescript',
      });
    });

    it('works as --require (the CommonJS build) too', async () => {
      const cjs = REGISTER.replace(/\.mjs$/, '.cjs');
      const result = await runNode(['--require', cjs, 'api-only-app.mjs'], enabledEnv);

      expect(result.code).toBe(0);
      expect(printed(result).activeInside).toBe(true);
      expect(eventsAt(server).map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('attaches to the provider the app registers at startup, which still gets every span', async () => {
      const result = await runNode(['--import', REGISTER, 'app-with-provider.mjs'], enabledEnv);

      expect(result.code).toBe(0);
      const report = printed(result);
      // The app's registrations succeed: ours never took the globals from it.
      expect(report.appProvider).toEqual({
        contextRegistered: true,
        traceRegistered: true,
        spanNames: ['not a task', 'fix the flaky test'],
      });
      expect(report.activeInside).toBe(true);
      expect(eventsAt(server).map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('attaches to a provider registered before the entry ran', async () => {
      const result = await runNode(
        ['--import', './app-provider.mjs', '--import', REGISTER, 'api-only-app.mjs'],
        enabledEnv,
      );

      expect(result.code).toBe(0);
      expect(printed(result).appProvider?.spanNames).toEqual(['not a task', 'fix the flaky test']);
      expect(eventsAt(server).map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('moves a tracer taken before the app set its SDK up over to the app provider', async () => {
      const result = await runNode(['--import', REGISTER, 'late-provider-app.mjs'], enabledEnv);

      expect(result.code).toBe(0);
      const late = printed<{ spanNames: string[] }>(result, 'LATE');
      // 'before the SDK' went to our fallback only; after the hand-over the early tracer's spans
      // reach the app's pipeline too.
      expect(late.spanNames).toEqual(['not a task', 'fix the flaky test', 'after the SDK']);
      expect(
        eventsAt(server)
          .map((e) => e.task_type)
          .sort(),
      ).toEqual(['debugging', 'testing']);
    });

    it('lets NodeSDK.start() register its context manager and provider without an error', async () => {
      const result = await runNode(['--import', REGISTER, 'node-sdk-app.mjs'], {
        ...enabledEnv,
        // NodeSDK sets a console diag logger from this: a failed registration would print.
        OTEL_LOG_LEVEL: 'info',
      });

      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(
        /duplicate registration|does not match previously registered/i,
      );
      const report = printed(result);
      expect(report.appProvider?.spanNames).toEqual(['not a task', 'fix the flaky test']);
      expect(report.activeInside).toBe(true);
      expect(eventsAt(server).map((e) => e.task_type)).toEqual(['debugging']);
    });
  });

  describe('on a signal', () => {
    /** Starts the waiting app, sends `signal` once it is READY; records requests seen by then. */
    async function signalWhenReady(signal: NodeJS.Signals, extraArgs: string[] = []) {
      let requestsAtSignal = -1;
      const result = await runNode(
        ['--import', REGISTER, 'api-only-app.mjs', '--wait', ...extraArgs],
        enabledEnv,
        (line, child) => {
          if (line !== 'READY') return;
          requestsAtSignal = server.requests.length;
          child.kill(signal);
        },
      );
      return { result, requestsAtSignal };
    }

    it('flushes on SIGTERM, then ends the process by the signal as it would have ended', async () => {
      const { result, requestsAtSignal } = await signalWhenReady('SIGTERM');

      expect(requestsAtSignal).toBe(0);
      expect(result.signal).toBe('SIGTERM');
      expect(result.code).toBeNull();
      expect(eventsAt(server).map((e) => e.task_type)).toEqual(['debugging']);
    });

    it('flushes on SIGINT, then ends the process by the signal', async () => {
      const { result, requestsAtSignal } = await signalWhenReady('SIGINT');

      expect(requestsAtSignal).toBe(0);
      expect(result.signal).toBe('SIGINT');
      expect(eventsAt(server)).toHaveLength(1);
    });

    it('leaves the exit to the app when the app handles SIGTERM itself', async () => {
      const { result } = await signalWhenReady('SIGTERM', ['--own-sigterm']);

      // The app's handler stops its work and the process ends on its own: not killed by us.
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('APP SIGTERM');
      expect(eventsAt(server)).toHaveLength(1);
    });
  });

  describe('with an invalid config', () => {
    it("logs each problem once on stderr and leaves the app's output and exit code alone", async () => {
      const env = {
        MOSAIC_TELEMETRY_ENABLED: 'true',
        MOSAIC_TELEMETRY_SERVER_URL: 'http://telemetry.example.com',
        MOSAIC_TELEMETRY_API_KEY: 'not-a-key',
      };
      const problems = resolveConfig({}, env).problems;
      expect(problems).toHaveLength(3);

      const result = await runNode(
        ['--import', REGISTER, 'api-only-app.mjs', '--exit-code=3'],
        env,
      );

      expect(result.code).toBe(3);
      const report = printed(result);
      expect(report.activeInside).toBe(false);
      expect(report.otelPackages).toEqual(['api']);
      expect(report.listeners).toEqual({ SIGTERM: 0, SIGINT: 0, beforeExit: 0 });
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(problems.length);
      for (const problem of problems) {
        expect(lines.filter((l) => l.includes(problem))).toHaveLength(1);
      }
      expect(result.stderr).not.toContain('not-a-key');
    });
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { type NodeRun, runNode } from '../support/run-node.js';

// Apps with several copies of @opentelemetry/api, run with the BUILT register entry in child
// processes. Each copy is a real copy of an installed API package in a temporary directory, so
// node loads it as a module of its own: the "same version linked twice" of a linked package.
const REGISTER = fileURLToPath(new URL('../../dist/register.mjs', import.meta.url));
const REGISTER_CJS = REGISTER.replace(/\.mjs$/, '.cjs');
const FIXTURES = fileURLToPath(new URL('../fixtures/multi-copy/', import.meta.url));
const require = createRequire(import.meta.url);
const packageDir = (name: string) => realpathSync(dirname(require.resolve(`${name}/package.json`)));
const API = {
  '1.9': realpathSync(
    fileURLToPath(new URL('../../node_modules/@opentelemetry/api', import.meta.url)),
  ),
  '1.10': realpathSync(fileURLToPath(new URL('../../node_modules/api-1-10', import.meta.url))),
} as const;
const API_KEY = 'ab'.repeat(32);
const INSTANCE_ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

type ApiLine = keyof typeof API;
interface Layout {
  /** The API copy next to the app (and what the app's working directory resolves). */
  app: ApiLine;
  /** The library's own copy, or `shared`: the library resolves the app's copy. */
  lib: ApiLine | 'shared';
  /** How the library is loaded: `mjs` (ES module) or `cjs` (CommonJS, the API's other build). */
  model: 'mjs' | 'cjs';
}

/** Lays out app, library and API copies in `dir`; returns the library module's path. */
function lay(dir: string, layout: Layout): string {
  cpSync(join(FIXTURES, 'app.mjs'), join(dir, 'app.mjs'));
  cpSync(API[layout.app], join(dir, 'node_modules/@opentelemetry/api'), { recursive: true });
  mkdirSync(join(dir, 'lib'));
  const model = join(dir, 'lib', `model.${layout.model}`);
  cpSync(join(FIXTURES, `lib-model.${layout.model}`), model);
  if (layout.lib !== 'shared') {
    cpSync(API[layout.lib], join(dir, 'lib/node_modules/@opentelemetry/api'), { recursive: true });
  }
  return model;
}

function run(dir: string, entry: string[], env: Record<string, string>): Promise<NodeRun> {
  return runNode([...entry, 'app.mjs'], { cwd: dir, env });
}

function report(result: NodeRun): Record<string, unknown> {
  const line = result.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  if (line === undefined) throw new Error(`no REPORT line; stderr: ${result.stderr}`);
  return JSON.parse(line.slice('REPORT '.length)) as Record<string, unknown>;
}

describe('registerMosaicTelemetry', () => {
  let server: RecordingServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!existsSync(REGISTER)) {
      throw new Error(
        `${REGISTER} is missing: run pnpm --filter @mosaicstack/telemetry-exporter build`,
      );
    }
  });
  beforeEach(async () => {
    server = await startRecordingServer();
    dir = mkdtempSync(join(tmpdir(), 'mosaic-multi-copy-'));
    env = {
      MOSAIC_TELEMETRY_ENABLED: 'true',
      MOSAIC_TELEMETRY_SERVER_URL: server.url,
      MOSAIC_TELEMETRY_API_KEY: API_KEY,
      MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE_ID,
    };
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const events = () =>
    server.requests.flatMap(
      (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
    );

  describe('with several copies of @opentelemetry/api', () => {
    it.each([
      ['the same version linked twice', { app: '1.9', lib: '1.9', model: 'mjs' }, '--import'],
      [
        'an app on 1.10 and a library on 1.9',
        { app: '1.10', lib: '1.9', model: 'mjs' },
        '--import',
      ],
      [
        "1.10's ES module app and its CommonJS build in a library",
        { app: '1.10', lib: 'shared', model: 'cjs' },
        '--import',
      ],
      [
        "1.10's ES module build with the CommonJS register entry (--require)",
        { app: '1.10', lib: 'shared', model: 'mjs' },
        '--require',
      ],
    ] as const)(
      'delivers the task with the model call folded in: %s',
      async (_name, layout, flag) => {
        const model = lay(dir, layout);
        const result = await run(dir, [flag, flag === '--require' ? REGISTER_CJS : REGISTER], {
          ...env,
          MODEL_MODULE: model,
        });

        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(report(result).recording).toBe(true);
        const delivered = events();
        expect(delivered).toHaveLength(1);
        expect(validateTaskCompletionEvent(delivered[0])).toEqual([]);
        expect(delivered[0]).toMatchObject({
          task_type: 'debugging',
          model: 'claude-sonnet-4',
          actual_input_tokens: 1200,
          actual_output_tokens: 300,
        });
      },
    );

    it('registers the provider an app sets up after the entry through its own copy, and attaches to it', async () => {
      const model = lay(dir, { app: '1.9', lib: '1.9', model: 'mjs' });
      const result = await run(dir, ['--import', REGISTER], {
        ...env,
        MODEL_MODULE: model,
        APP_PROVIDER: '1',
        SDK_TRACE_BASE: packageDir('@opentelemetry/sdk-trace-base'),
        CONTEXT_ASYNC_HOOKS: packageDir('@opentelemetry/context-async-hooks'),
      });

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(report(result)).toMatchObject({
        contextRegistered: true,
        traceRegistered: true,
        recording: true,
        // The app's own pipeline gets every span, from both copies.
        appSpanNames: ['chat claude-sonnet-4', 'fix the flaky test'],
      });
      expect(events()).toHaveLength(1);
      expect(events()[0]).toMatchObject({ actual_input_tokens: 1200, model: 'claude-sonnet-4' });
    });

    it('says once, with the fix, when a copy is too new to read the registry', async () => {
      // The app's 1.9 pins the registry; the library's 1.10 reads only registries of 1.10 or later.
      const model = lay(dir, { app: '1.9', lib: '1.10', model: 'mjs' });
      const result = await run(dir, ['--import', REGISTER], { ...env, MODEL_MODULE: model });

      expect(result.code).toBe(0);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('newer than v1.9.1 cannot read the global OTel registry');
      expect(lines[0]).toContain("serverExternalPackages: ['@opentelemetry/api']");
      expect(lines[0]).toContain('npm ls @opentelemetry/api');
      // The task (through the app's copy) is still delivered; the unreachable model call is not in it.
      expect(events()).toHaveLength(1);
      expect(events()[0]).toMatchObject({ task_type: 'debugging', actual_input_tokens: 0 });
    });
  });
});

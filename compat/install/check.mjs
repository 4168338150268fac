// Runs the README's install lines in fresh projects and the README's NodeSDK snippet in each
// (`node check.mjs <README.md> <work dir> <dir of a Node 24 binary>`). See run.sh.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [readmePath, work, node24Dir] = process.argv.slice(2);
const readme = readFileSync(readmePath, 'utf8');
const section = (title) => {
  const start = readme.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end < 0 ? undefined : end);
};

// The install lines: every `npm install` / `pnpm add` line of the Install section.
const lines = section('Install')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.startsWith('npm install ') || l.startsWith('pnpm add '));
// The NodeSDK snippet: the first ts block of "Use it with NodeSDK".
const snippet = /```ts\n([\s\S]*?)```/.exec(section('Use it with NodeSDK'))?.[1];
if (lines.length < 4 || snippet === undefined) {
  throw new Error(
    `expected npm and pnpm lines for both SDK lines and a snippet, got ${lines.length}`,
  );
}

const packs = join(work, 'packs');
const tarball = (name) =>
  join(
    packs,
    readdirSync(packs).find((f) => f.startsWith(name)),
  );
const exporterTgz = tarball('mosaicstack-telemetry-exporter-');
const semconvTgz = tarball('mosaicstack-telemetry-semconv-');

/** Answers every events batch as accepted; counts the events. */
function startServer() {
  let events = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const batch = JSON.parse(body).events;
      events += batch.length;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          accepted: batch.length,
          rejected: 0,
          results: batch.map((e) => ({ event_id: e.event_id, status: 'accepted', error: null })),
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, events: () => events, server }),
    ),
  );
}

function sh(command, cwd, env) {
  console.log(`$ ${command}`);
  const result = spawnSync(command, { cwd, env, shell: true, encoding: 'utf8' });
  return result;
}

let failures = 0;
for (const [i, line] of lines.entries()) {
  const sdk3 = line.includes('@opentelemetry/sdk-trace@');
  const manager = line.startsWith('pnpm') ? 'pnpm' : 'npm';
  const dir = join(work, `project-${i}-${manager}-sdk${sdk3 ? 3 : 2}`);
  mkdirSync(dir);
  // Our packages are not on the registry: their tarballs stand in for the name, semconv (a
  // dependency of the exporter) next to it; npm takes it from there, pnpm needs an override.
  const manifest = { name: 'install-check', private: true, type: 'module' };
  if (manager === 'pnpm') {
    manifest.pnpm = { overrides: { '@mosaicstack/telemetry-semconv': `file:${semconvTgz}` } };
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  if (manager === 'pnpm') writeFileSync(join(dir, '.npmrc'), 'strict-peer-dependencies=true\n');
  const env = {
    ...process.env,
    PATH: sdk3 ? `${node24Dir}:${process.env.PATH}` : process.env.PATH,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const command = line.replace('@mosaicstack/telemetry-exporter', `${exporterTgz} ${semconvTgz}`);
  const installed = sh(command, dir, env);
  if (installed.status !== 0) {
    console.log(installed.stdout, installed.stderr);
    console.log(`FAIL install: ${line}`);
    failures++;
    continue;
  }
  writeFileSync(join(dir, 'app.mjs'), snippet);
  const server = await startServer();
  const run = await runNode(dir, env.PATH, server.url);
  server.server.close();
  const nodeVersion = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
  const ok = run.code === 0 && server.events() === 1;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${manager} + SDK ${sdk3 ? '3.x' : '2.x'} on node ${nodeVersion}: README snippet exit ${run.code}, ${server.events()} event(s) delivered`,
  );
  if (!ok) {
    console.log(run.stdout, run.stderr);
    failures++;
  }
}

/** Runs the snippet with telemetry on against `url`, with no OTLP collector anywhere. */
function runNode(cwd, path, url) {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['app.mjs'], {
      cwd,
      env: {
        PATH: path,
        MOSAIC_TELEMETRY_ENABLED: 'true',
        MOSAIC_TELEMETRY_SERVER_URL: url,
        MOSAIC_TELEMETRY_API_KEY: 'ab'.repeat(32),
        MOSAIC_TELEMETRY_INSTANCE_ID: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
process.exitCode = failures > 0 ? 1 : 0;

// Runs the README's install lines in fresh projects and the README's NodeSDK snippet in each, then
// the exporter package README's install line and example in one more
// (`node check.mjs <README.md> <work dir> <dir of a Node 24 binary> <exporter README.md>`). See run.sh.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [readmePath, work, node24Dir, packageReadmePath] = process.argv.slice(2);
if (packageReadmePath === undefined) {
  throw new Error('usage: node check.mjs <README.md> <work dir> <node24 dir> <exporter README.md>');
}
/** The `## title` section of the markdown file at `path`. */
const sectionOf = (path, title) => {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`${path} has no "## ${title}" section`);
  const end = text.indexOf('\n## ', start + 3);
  return text.slice(start, end < 0 ? undefined : end);
};
const section = (title) => sectionOf(readmePath, title);
/** Every `npm install` / `pnpm add` line of a section. */
const installLines = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npm install ') || l.startsWith('pnpm add '));
/** The first ts block of a section. */
const firstTs = (text) => /```ts\n([\s\S]*?)```/.exec(text)?.[1];

// The install lines: every `npm install` / `pnpm add` line of the Install section.
const lines = installLines(section('Install'));
// The NodeSDK snippet: the first ts block of "Use it with NodeSDK".
const snippet = firstTs(section('Use it with NodeSDK'));
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

/** Answers every events batch as accepted; keeps the events. */
function startServer() {
  const events = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const batch = JSON.parse(body).events;
      events.push(...batch);
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
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        events: () => events.length,
        list: events,
        server,
      }),
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

// The exporter package's README (its npm page): its install line in a fresh npm project on Node 20,
// then its example, which must fold the model call's exact tokens into its task and print nothing
// on stderr (no warning: the context manager it installs lets the call nest under the task).
{
  const install = installLines(sectionOf(packageReadmePath, 'Install'));
  const example = firstTs(sectionOf(packageReadmePath, 'Example'));
  const tokens = (key) =>
    Number(new RegExp(`'gen_ai\\.usage\\.${key}': (\\d+)`).exec(example ?? '')?.[1]);
  if (install.length !== 1 || example === undefined || !(tokens('input_tokens') > 0)) {
    throw new Error(
      `expected one install line and an example with token counts in ${packageReadmePath}`,
    );
  }
  const dir = join(work, 'project-exporter-readme');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'readme-check', private: true, type: 'module' }, null, 2),
  );
  const env = {
    ...process.env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const command = install[0].replace(
    '@mosaicstack/telemetry-exporter',
    `${exporterTgz} ${semconvTgz}`,
  );
  const installed = sh(command, dir, env);
  if (installed.status !== 0) {
    console.log(installed.stdout, installed.stderr);
    console.log(`FAIL install: ${install[0]}`);
    failures++;
  } else {
    writeFileSync(join(dir, 'app.mjs'), example);
    const server = await startServer();
    const run = await runNode(dir, env.PATH, server.url);
    server.server.close();
    const [event] = server.list;
    const got =
      event === undefined
        ? 'no event'
        : `${event.model} in=${event.actual_input_tokens} out=${event.actual_output_tokens}`;
    const ok =
      run.code === 0 &&
      run.stderr === '' &&
      server.list.length === 1 &&
      event.actual_input_tokens === tokens('input_tokens') &&
      event.actual_output_tokens === tokens('output_tokens') &&
      event.model !== 'unknown';
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} exporter README example (npm, SDK 2.x): exit ${run.code}, ${server.list.length} event(s): ${got}, expected in=${tokens('input_tokens')} out=${tokens('output_tokens')}`,
    );
    if (!ok) {
      console.log(run.stdout, run.stderr);
      failures++;
    }
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

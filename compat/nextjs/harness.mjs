// Runs the built Next.js app (`node harness.mjs <staged dir> <setup>...`) once per OTel setup:
// `next start` on 127.0.0.1, one POST /api/task (withTask + one model call against a loopback
// fake), SIGTERM 100 ms after the response, then the task event must be in the devserver, model
// and tokens folded in. Setups: node-sdk, vercel-otel and register pick the setup of the app's
// instrumentation.ts; zero-code runs an app built without instrumentation.ts, with
// NODE_OPTIONS=--import @mosaicstack/telemetry-exporter/register. Run by run.sh after `next build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startDevServer } from '@mosaicstack/telemetry-devserver';

const [app, ...SETUPS] = process.argv.slice(2);
const KNOWN = new Set(['node-sdk', 'vercel-otel', 'register', 'zero-code']);
if (app === undefined || SETUPS.length === 0 || SETUPS.some((s) => !KNOWN.has(s))) {
  throw new Error(`usage: node harness.mjs <staged dir> <${[...KNOWN].join('|')}>...`);
}
const MODEL = { model: 'claude-sonnet-4-5', usage: { input_tokens: 4100, output_tokens: 650 } };

/** A loopback fake of a model API: every POST answers MODEL. */
async function startFakeModel() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(MODEL));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSetup(setup) {
  const zeroCode = setup === 'zero-code';
  if (zeroCode === existsSync(join(app, 'instrumentation.ts'))) {
    return {
      problems: [`${setup} needs an app built ${zeroCode ? 'without' : 'with'} instrumentation.ts`],
      output: '',
    };
  }
  const devserver = await startDevServer();
  const model = await startFakeModel();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(app, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
    {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        NEXT_TELEMETRY_DISABLED: '1',
        ...(zeroCode
          ? { NODE_OPTIONS: '--import @mosaicstack/telemetry-exporter/register' }
          : { MOSAIC_EXAMPLE_OTEL: setup }),
        MODEL_URL: model.url,
        MOSAIC_TELEMETRY_ENABLED: 'true',
        MOSAIC_TELEMETRY_SERVER_URL: devserver.url,
        MOSAIC_TELEMETRY_API_KEY: devserver.apiKey,
        MOSAIC_TELEMETRY_INSTANCE_ID: devserver.instanceId,
        // Passed through for a control run: MOSAIC_TELEMETRY_EXPORT_MODE=batch must fail.
        ...(process.env.MOSAIC_TELEMETRY_EXPORT_MODE
          ? { MOSAIC_TELEMETRY_EXPORT_MODE: process.env.MOSAIC_TELEMETRY_EXPORT_MODE }
          : {}),
        // Passed through to look into a failure: OTEL_LOG_LEVEL=debug.
        ...(process.env.OTEL_LOG_LEVEL ? { OTEL_LOG_LEVEL: process.env.OTEL_LOG_LEVEL } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => {
    output += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c) => {
    output += c;
  });
  let killedAt = 0;
  const exited = new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, afterMs: Date.now() - killedAt })),
  );
  const problems = [];
  let answer;
  let exit = 'no exit';
  try {
    // Ready when it answers; the first request also waits for instrumentation's register().
    for (let i = 0; ; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/task`, { method: 'POST' });
        answer = { status: response.status, body: await response.text() };
        break;
      } catch (error) {
        if (i > 300) throw new Error(`next start did not answer: ${error.message}`);
        await sleep(100);
      }
    }
    // Stopped the way a platform stops a server, right after the response.
    await sleep(100);
    killedAt = Date.now();
    child.kill('SIGTERM');
    const end = await Promise.race([exited, sleep(15_000).then(() => 'timeout')]);
    if (end === 'timeout') {
      child.kill('SIGKILL');
      problems.push('did not exit within 15 s of SIGTERM');
    } else {
      exit = `exit ${end.code ?? end.signal} ${end.afterMs} ms after SIGTERM`;
    }
    if (answer.status !== 200)
      problems.push(`POST /api/task answered ${answer.status}: ${answer.body}`);
    const events = devserver.listEvents();
    if (events.length !== 1)
      problems.push(`expected 1 task event at the devserver, got ${events.length}`);
    const [event] = events;
    if (
      event !== undefined &&
      (event.task_type !== 'implementation' ||
        event.model !== MODEL.model ||
        event.actual_input_tokens !== MODEL.usage.input_tokens ||
        event.actual_output_tokens !== MODEL.usage.output_tokens)
    ) {
      problems.push(
        `event: ${event.task_type} ${event.model} in=${event.actual_input_tokens} out=${event.actual_output_tokens}`,
      );
    }
    if (/duplicate registration|does not match previously registered/i.test(output)) {
      problems.push('an OTel registration failed');
    }
  } catch (error) {
    problems.push(String(error));
    child.kill('SIGKILL');
  } finally {
    model.close();
    await devserver.close();
  }
  return { problems, output, exit };
}

let passed = 0;
let failed = 0;
for (const setup of SETUPS) {
  const started = Date.now();
  const { problems, output, exit } = await runSetup(setup);
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length === 0) {
    passed++;
    console.log(
      `ok   ${setup}: task event delivered through SIGTERM 100 ms after the response (${exit}; ${took} s)`,
    );
  } else {
    failed++;
    console.log(
      `FAIL ${setup}: ${problems.join('; ')} (${exit}; ${took} s)\n--- next start output ---\n${output}`,
    );
  }
}
console.log(`nextjs: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

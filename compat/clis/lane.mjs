// One run of one CLI inside a loopback-only network namespace (run.sh starts it under
// `unshare -n`): the fake model API, a devserver with mosaic-telemetry-bridge in front of it on
// 127.0.0.1:4318, the CLI pointed at both, then the stored events checked against the fake API's
// ground truth and for content that must never leave.
// usage: node lane.mjs <claude|codex|gemini|opencode|a name of agents/index.mjs> <ok|error> <result.json>
// (env LANE_STAGE). The agents of agents/ bring their own spec, expected values included.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENTS } from './agents/index.mjs';

const [cli, scenario, resultFile] = process.argv.slice(2);
const stage = process.env.LANE_STAGE ?? '/tmp/mosaic-compat-clis';
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const run = join(stage, 'runs', `${cli}-${scenario}`);
const home = join(run, 'home');
const work = join(run, 'work');
const fakeOut = join(run, 'fake-api');
const FILE_TEXT = 'hello from the lane';
const PROMPT_READ = 'Read hello.txt and tell me what it says.';
const PROMPT_RUN = 'Run cat hello.txt and tell me what it says.';
const BRIDGE = 'http://127.0.0.1:4318';
const SECRETS = [
  'sk-ant-fake-key-for-lane',
  'sk-fake-key-for-lane',
  'fake-gemini-key-for-lane',
  PROMPT_READ,
  PROMPT_RUN,
  FILE_TEXT,
  'hello.txt',
  work,
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const bin = (name) => join(stage, cli, 'node_modules', '.bin', name);

/** Per CLI: its fake API, its package, its config files and env, its command. */
const CLIS = {
  claude: {
    pkg: '@anthropic-ai/claude-code',
    fake: ['fake-anthropic.cjs', 8787, { FAKE_READ_FILE: join(work, 'hello.txt') }],
    harness: 'claude_code',
    provider: 'anthropic',
    env: {
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787',
      ANTHROPIC_API_KEY: 'sk-ant-fake-key-for-lane',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_BUG_COMMAND: '1',
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: BRIDGE,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOGS_EXPORT_INTERVAL: '500',
      OTEL_TRACES_EXPORT_INTERVAL: '500',
    },
    command: () => [bin('claude'), ['-p', PROMPT_READ, '--output-format', 'json']],
  },
  codex: {
    pkg: '@openai/codex',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'custom',
    provider: 'openai',
    env: {
      FAKE_OPENAI_API_KEY: 'sk-fake-key-for-lane',
      RUST_LOG: 'warn',
      CODEX_HOME: join(home, '.codex'),
    },
    setup() {
      mkdirSync(join(home, '.codex'), { recursive: true });
      writeFileSync(
        join(home, '.codex', 'config.toml'),
        [
          'model = "gpt-5.5"',
          'model_provider = "fake"',
          'approval_policy = "never"',
          'sandbox_mode = "danger-full-access"',
          'check_for_update_on_startup = false',
          '[model_providers.fake]',
          'name = "Fake OpenAI (loopback)"',
          'base_url = "http://127.0.0.1:8788/v1"',
          'env_key = "FAKE_OPENAI_API_KEY"',
          'wire_api = "responses"',
          'request_max_retries = 0',
          'stream_max_retries = 0',
          '[features]',
          'plugins = false',
          'remote_plugin = false',
          'apps = false',
          '[analytics]',
          'enabled = false',
          '[feedback]',
          'enabled = false',
          '[otel]',
          'environment = "lane"',
          `exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/logs", protocol = "binary" } }`,
          `trace_exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/traces", protocol = "binary" } }`,
          `metrics_exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/metrics", protocol = "binary" } }`,
          '',
        ].join('\n'),
      );
    },
    command: () => [bin('codex'), ['exec', '--skip-git-repo-check', '--json', PROMPT_RUN]],
  },
  gemini: {
    pkg: '@google/gemini-cli',
    fake: ['fake-gemini.cjs', 8789, { FAKE_READ_FILE: join(work, 'hello.txt') }],
    harness: 'custom',
    provider: 'google',
    env: {
      GEMINI_API_KEY: 'fake-gemini-key-for-lane',
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:8789',
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
    },
    setup() {
      mkdirSync(join(home, '.gemini'), { recursive: true });
      writeFileSync(
        join(home, '.gemini', 'settings.json'),
        JSON.stringify({
          general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
          privacy: { usageStatisticsEnabled: false },
          security: { auth: { selectedType: 'gemini-api-key' } },
          telemetry: {
            enabled: true,
            target: 'local',
            otlpEndpoint: BRIDGE,
            otlpProtocol: 'http',
            traces: true,
            logPrompts: false,
          },
        }),
      );
    },
    command: () => [
      process.execPath,
      [
        join(stage, 'gemini', 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js'),
        '-p',
        PROMPT_READ,
        '--output-format',
        'json',
        '--skip-trust',
      ],
    ],
  },
  opencode: {
    pkg: 'opencode-ai',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'opencode',
    provider: 'custom',
    env: {
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
      OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: BRIDGE,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    },
    setup() {
      mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'opencode', 'opencode.json'),
        JSON.stringify({
          $schema: 'https://opencode.ai/config.json',
          autoupdate: false,
          share: 'disabled',
          model: 'fake/fake-model',
          small_model: 'fake/fake-model',
          experimental: { openTelemetry: true },
          provider: {
            fake: {
              npm: '@ai-sdk/openai-compatible',
              name: 'Fake OpenAI-compatible (loopback)',
              options: {
                baseURL: 'http://127.0.0.1:8788/v1',
                apiKey: 'sk-fake-key-for-lane',
                includeUsage: true,
              },
              models: {
                'fake-model': {
                  name: 'Fake Model',
                  tool_call: true,
                  limit: { context: 128000, output: 4096 },
                },
              },
            },
          },
        }),
      );
    },
    command: () => [bin('opencode'), ['run', '--pure', '--format', 'json', PROMPT_RUN]],
  },
};

/** The task's tokens from the fake API's ground truth, in the bridge's token meaning. */
function expectedFrom(truth) {
  let input = 0;
  let output = 0;
  let model;
  for (const line of truth) {
    const u = line.usage ?? {};
    const m = line.usageMetadata;
    if (cli === 'claude' && line.usage) {
      input += u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
      output += u.output_tokens;
    } else if (cli === 'codex' && line.usage) {
      input += u.input_tokens;
      output += u.output_tokens;
    } else if (cli === 'opencode' && line.usage) {
      input += u.prompt_tokens;
      output += u.completion_tokens;
    } else if (cli === 'gemini' && m) {
      input += m.promptTokenCount ?? 0;
      output += (m.candidatesTokenCount ?? 0) + (m.thoughtsTokenCount ?? 0);
    }
    if (line.kind !== 'error' && line.model) model = line.model;
  }
  const failed = truth.at(-1)?.kind === 'error';
  return { input, output, model, outcome: failed ? 'failure' : 'success', requests: truth.length };
}

function runCli(spec) {
  const [command, args] = spec.command();
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    OTEL_RESOURCE_ATTRIBUTES: 'mosaic.task.type=implementation',
    ...spec.env,
  };
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs ?? 180_000);
    // The CLI's own output holds the answer and file text: it is not kept.
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', () => resolve(-1));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : -1));
    });
  });
}

async function main() {
  const prompts = { read: PROMPT_READ, run: PROMPT_RUN };
  const spec = CLIS[cli] ?? AGENTS[cli]?.({ home, work, bridge: BRIDGE, bin, prompts });
  if (spec === undefined || !['ok', 'error'].includes(scenario)) {
    throw new Error(
      `usage: node lane.mjs <${[...Object.keys(CLIS), ...Object.keys(AGENTS)].join('|')}> <ok|error> <result.json>`,
    );
  }
  const version = JSON.parse(
    readFileSync(join(stage, cli, 'node_modules', ...spec.pkg.split('/'), 'package.json'), 'utf8'),
  ).version;
  rmSync(run, { recursive: true, force: true });
  mkdirSync(join(home, 'tmp'), { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'hello.txt'), `${FILE_TEXT}\n`);
  spec.setup?.();

  const [fakeFile, fakePort, fakeEnv] = spec.fake;
  const fake = spawn(process.execPath, [join(here, 'fakes', fakeFile), String(fakePort), fakeOut], {
    env: { ...process.env, FAKE_MODE: scenario === 'error' ? 'error' : 'ok', ...fakeEnv },
    stdio: 'ignore',
  });
  const { startDevServer } = await import(join(repo, 'packages/devserver/dist/index.mjs'));
  const { startBridge } = await import(join(repo, 'packages/bridge/dist/index.mjs'));
  const devserver = await startDevServer({ rateLimit: false });
  const bridge = await startBridge({
    port: 4318,
    taskIdleMs: 5_000,
    telemetry: {
      serverUrl: devserver.url,
      apiKey: devserver.apiKey,
      instanceId: devserver.instanceId,
    },
  });
  await sleep(500);
  const exit = await runCli(spec);
  await sleep(3_000); // late exports
  await bridge.close();
  const events = devserver.listEvents();
  await devserver.close();
  fake.kill();

  const truthFile = join(fakeOut, 'ground-truth.jsonl');
  const truth = existsSync(truthFile)
    ? readFileSync(truthFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const expected = spec.expected?.(truth) ?? expectedFrom(truth);
  const problems = [];
  const stored = JSON.stringify(events);
  for (const secret of SECRETS) {
    if (stored.includes(secret))
      problems.push(`a stored event holds ${JSON.stringify(secret.slice(0, 20))}`);
  }
  // Codex and Gemini do not flush on an error exit: nothing, or only what a periodic export sent
  // before the failing request, arrives. No event is then right; an event must be a failure.
  const silentOnError = scenario === 'error' && (cli === 'codex' || cli === 'gemini');
  if (truth.length === 0) problems.push('the fake API saw no request');
  if (silentOnError && events.length === 0) {
    // expected: nothing exported, nothing stored
  } else if (events.length !== 1) {
    problems.push(`expected 1 event, stored ${events.length}`);
  } else {
    const e = events[0];
    const want = {
      actual_input_tokens: expected.input,
      actual_output_tokens: expected.output,
      model: expected.model,
      provider: spec.provider,
      harness: spec.harness,
      outcome: expected.outcome,
    };
    for (const [key, value] of Object.entries(want)) {
      if (e[key] !== value) problems.push(`${key}: expected ${value}, stored ${e[key]}`);
    }
  }
  const result = {
    cli,
    version,
    scenario,
    exit,
    received: bridge.stats.received,
    expected: silentOnError ? { events: '0 or 1', ...expected } : { events: 1, ...expected },
    stored: events.map((e) => ({
      input: e.actual_input_tokens,
      output: e.actual_output_tokens,
      model: e.model,
      provider: e.provider,
      harness: e.harness,
      outcome: e.outcome,
      task_type: e.task_type,
      cost_usd_micros: e.actual_cost_usd_micros,
    })),
    problems,
    pass: problems.length === 0,
  };
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `compat/clis: ${cli} ${scenario}: ${result.pass ? 'ok' : `FAIL: ${problems.join('; ')}`}`,
  );
  process.exitCode = result.pass ? 0 : 1;
}

main().catch((error) => {
  console.error(`compat/clis: ${cli} ${scenario}: ${error?.message ?? error}`);
  writeFileSync(
    resultFile,
    `${JSON.stringify({ cli, scenario, pass: false, problems: [String(error?.message ?? error)] })}\n`,
  );
  process.exit(1);
});

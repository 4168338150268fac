// One run of one CLI inside a loopback-only network namespace (run.sh starts it under
// `unshare -n`): the fake model API, a devserver with mosaic-telemetry-bridge in front of it on
// 127.0.0.1:4318, the CLI pointed at both, then the stored events checked against the fake API's
// ground truth and for content that must never leave.
// Scenarios: ok (one tool call, then the answer), error (the last model call fails), tools (the
// agent reads and edits TypeScript and Python files, runs a passing `npm test` and a failing
// `npm run lint`: the event must carry the gates, the language and the hand-computed cost, and
// nothing of the commands or paths), grpc (ok, exported over OTLP/gRPC to 127.0.0.1:4317). The
// agents of agents/ bring their own spec, expected tokens included (the cost is priced here).
// usage: node lane.mjs <cli> <scenario> <result.json>   (env LANE_STAGE)
//        node lane.mjs --scenarios <cli>                 the CLI's scenarios, one per line
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
const PROMPT_TOOLS = 'Tidy the sum and format helpers and the report script, then run the checks.';
const BRIDGE = 'http://127.0.0.1:4318';
const BRIDGE_GRPC = 'http://127.0.0.1:4317';
/** Scenarios of a CLI whose spec names none. */
const DEFAULT_SCENARIOS = ['ok', 'error'];

/** The tools scenario's project: TypeScript (the majority) and Python, a test and a lint script. */
const TOOL_FILES = {
  'package.json': `${JSON.stringify({
    name: 'lane-fixture',
    private: true,
    type: 'module',
    scripts: { test: 'node --test', lint: 'node lint-fixture.mjs' },
  })}\n`,
  // Each edit replaces a whole marker line (Codex's apply_patch matches whole lines).
  'src/sum-fixture.ts':
    '// marker-sum\nexport const sum = (a: number, b: number): number => a + b;\n',
  'src/format-fixture.ts':
    '// marker-format\nexport const format = (n: number): string => String(n);\n',
  'scripts/report_fixture.py': '# marker-report\ndef report(n):\n    return str(n)\n',
  'sum-fixture.test.mjs':
    "import assert from 'node:assert';\nimport test from 'node:test';\ntest('adds', () => assert.equal(1 + 1, 2));\n",
  'lint-fixture.mjs':
    "console.error('src/sum-fixture.ts: 1 problem (marker-lint)');\nprocess.exit(1);\n",
};
const TEST_COMMAND = 'npm test';
const LINT_COMMAND = 'npm run lint';
/** The tools scenario's tool calls (FAKE_TOOL_CALLS): read and edit 2 .ts and 1 .py, test, lint. */
const TOOL_STEPS = () => {
  const edit = (file, marker) => ({
    edit: join(work, file),
    old: `// marker-${marker}`,
    new: `// marker-${marker} checked`,
  });
  return [
    { read: join(work, 'src/sum-fixture.ts') },
    edit('src/sum-fixture.ts', 'sum'),
    { read: join(work, 'src/format-fixture.ts') },
    edit('src/format-fixture.ts', 'format'),
    { read: join(work, 'scripts/report_fixture.py') },
    {
      edit: join(work, 'scripts/report_fixture.py'),
      old: '# marker-report',
      new: '# marker-report checked',
    },
    { shell: TEST_COMMAND },
    { shell: LINT_COMMAND },
  ];
};
/** What the tools scenario's event must say, whatever the CLI. */
const TOOLS_EXPECTED = {
  quality_gates_run: ['lint', 'test'],
  quality_gates_failed: ['lint'],
  quality_gate_passed: false,
  language: 'typescript',
};
/**
 * Prices in USD per million tokens, written out by hand (the providers' list prices, prompts
 * under 200k tokens) for the models the tools scenario runs: input (uncached), cache read, cache
 * write, output (reasoning and thoughts included).
 */
const PRICES = {
  'claude-sonnet-4-5': { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15 },
  'gpt-4.1': { input: 2, cacheRead: 0.5, cacheWrite: 2, output: 8 },
  'gpt-5': { input: 1.25, cacheRead: 0.125, cacheWrite: 1.25, output: 10 },
  'gpt-5.5': { input: 5, cacheRead: 0.5, cacheWrite: 5, output: 30 },
  'gemini-2.5-flash': { input: 0.3, cacheRead: 0.03, cacheWrite: 0.3, output: 2.5 },
};
/**
 * The model each CLI runs in the tools scenario (one the prices above know). Codex offers its
 * `apply_patch` tool (the only way its edits name their files) to gpt-5.5, not to gpt-5.
 */
const TOOLS_MODEL = {
  claude: 'claude-sonnet-4-5',
  codex: 'gpt-5.5',
  gemini: 'gemini-2.5-flash',
  opencode: 'gpt-5',
};
const SECRETS = [
  'sk-ant-fake-key-for-lane',
  'sk-fake-key-for-lane',
  'fake-gemini-key-for-lane',
  PROMPT_READ,
  PROMPT_RUN,
  PROMPT_TOOLS,
  FILE_TEXT,
  'hello.txt',
  work,
  TEST_COMMAND,
  LINT_COMMAND,
  'node --test',
  'sum-fixture',
  'format-fixture',
  'report_fixture',
  'lint-fixture',
  'marker-',
  '1 problem',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The scenario's prompt: the tools scenario asks for its edits and checks. */
const prompt = (plain) => (scenario === 'tools' ? PROMPT_TOOLS : plain);
const bin = (name) => join(stage, cli, 'node_modules', '.bin', name);

/** OpenCode's model: named as the user's provider calls it; a priced name in the tools scenario. */
const opencodeModel = () => (scenario === 'tools' ? TOOLS_MODEL.opencode : 'fake-model');

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
    scenarios: ['ok', 'error', 'tools', 'grpc'],
    scenarioEnv: {
      // Without it the tool_result logs carry neither the command nor the file path.
      tools: { OTEL_LOG_TOOL_DETAILS: '1' },
      grpc: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: BRIDGE_GRPC },
    },
    command: () => [
      bin('claude'),
      [
        '-p',
        prompt(PROMPT_READ),
        '--output-format',
        'json',
        ...(scenario === 'tools'
          ? ['--model', TOOLS_MODEL.claude, '--allowedTools', 'Bash,Edit,Read']
          : []),
      ],
    ],
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
          `model = "${scenario === 'tools' ? TOOLS_MODEL.codex : 'gpt-5.5'}"`,
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
          // grpc: Codex's `otlp-grpc` exporters, every signal to 127.0.0.1:4317.
          ...(scenario === 'grpc'
            ? ['exporter', 'trace_exporter', 'metrics_exporter'].map(
                (key) => `${key} = { otlp-grpc = { endpoint = "${BRIDGE_GRPC}" } }`,
              )
            : [
                `exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/logs", protocol = "binary" } }`,
                `trace_exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/traces", protocol = "binary" } }`,
                `metrics_exporter = { otlp-http = { endpoint = "${BRIDGE}/v1/metrics", protocol = "binary" } }`,
              ]),
          '',
        ].join('\n'),
      );
    },
    scenarios: ['ok', 'error', 'tools', 'grpc'],
    command: () => [bin('codex'), ['exec', '--skip-git-repo-check', '--json', prompt(PROMPT_RUN)]],
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
          // grpc: Gemini CLI's own defaults (OTLP/gRPC to localhost:4317). tools: the tool
          // calls' arguments are logged only with logPrompts.
          telemetry:
            scenario === 'grpc'
              ? { enabled: true, target: 'local', traces: true }
              : {
                  enabled: true,
                  target: 'local',
                  otlpEndpoint: BRIDGE,
                  otlpProtocol: 'http',
                  traces: true,
                  logPrompts: scenario === 'tools',
                },
        }),
      );
    },
    command: () => [
      process.execPath,
      [
        join(stage, 'gemini', 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js'),
        '-p',
        prompt(PROMPT_READ),
        '--output-format',
        'json',
        '--skip-trust',
        // Shell and edit tools are offered to a non-interactive run only in yolo mode.
        ...(scenario === 'tools' ? ['-m', TOOLS_MODEL.gemini, '--approval-mode', 'yolo'] : []),
      ],
    ],
    scenarios: ['ok', 'error', 'tools', 'grpc'],
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
      OTEL_BSP_SCHEDULE_DELAY: '1',
    },
    setup() {
      mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'opencode', 'opencode.json'),
        JSON.stringify({
          $schema: 'https://opencode.ai/config.json',
          autoupdate: false,
          share: 'disabled',
          model: `fake/${opencodeModel()}`,
          small_model: `fake/${opencodeModel()}`,
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
                [opencodeModel()]: {
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
    scenarios: ['ok', 'error', 'tools'],
    command: () => [bin('opencode'), ['run', '--pure', '--format', 'json', prompt(PROMPT_RUN)]],
  },
};

/**
 * One answered request's price in USD micros, rounded as each request is priced: the tokens
 * split into uncached input, cache reads, cache writes and output (reasoning and thoughts
 * included) in the API's own fields, times PRICES; 0 for a model PRICES does not name (a model
 * no price table knows costs nothing). Computed in integers of 1e-4 micros.
 */
function requestCostMicros(line) {
  const u = line.usage ?? {};
  const m = line.usageMetadata;
  let parts;
  if (cli === 'claude' && line.usage) {
    parts = {
      input: u.input_tokens,
      cacheRead: u.cache_read_input_tokens,
      cacheWrite: u.cache_creation_input_tokens,
      output: u.output_tokens,
    };
  } else if (line.usage && (line.api === 'chat' || line.api === 'responses')) {
    // The fake OpenAI API (Codex, OpenCode and the OpenAI-compatible agents of agents/).
    const prompt = u.input_tokens ?? u.prompt_tokens;
    const cached = (u.input_tokens_details ?? u.prompt_tokens_details)?.cached_tokens ?? 0;
    const output = u.output_tokens ?? u.completion_tokens;
    parts = { input: prompt - cached, cacheRead: cached, cacheWrite: 0, output };
  } else if (cli === 'gemini' && m) {
    const cached = m.cachedContentTokenCount ?? 0;
    parts = {
      input: (m.promptTokenCount ?? 0) - cached,
      cacheRead: cached,
      cacheWrite: 0,
      output: (m.candidatesTokenCount ?? 0) + (m.thoughtsTokenCount ?? 0),
    };
  } else {
    return 0;
  }
  // Dated model names (claude-sonnet-4-5-20250929) have their family's price.
  const name = Object.keys(PRICES).find(
    (key) => line.model === key || line.model?.startsWith(`${key}-2`),
  );
  if (name === undefined) return 0;
  const price = PRICES[name];
  let tenThousandths = 0;
  for (const key of ['input', 'cacheRead', 'cacheWrite', 'output']) {
    tenThousandths += parts[key] * Math.round(price[key] * 10_000);
  }
  return Math.floor((tenThousandths + 5_000) / 10_000);
}

/** The task's tokens and cost from the fake API's ground truth, in the bridge's token meaning. */
function expectedFrom(truth) {
  let input = 0;
  let output = 0;
  let costMicros = 0;
  let model;
  for (const line of truth) {
    costMicros += requestCostMicros(line);
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
  return {
    input,
    output,
    model,
    outcome: failed ? 'failure' : 'success',
    requests: truth.length,
    costMicros,
  };
}

function runCli(spec) {
  const [command, args] = spec.command();
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    OTEL_RESOURCE_ATTRIBUTES: 'mosaic.task.type=implementation',
    ...spec.env,
    ...spec.scenarioEnv?.[scenario],
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
  const prompts = { read: PROMPT_READ, run: PROMPT_RUN, tools: PROMPT_TOOLS };
  const specOf = (name) =>
    CLIS[name] ?? AGENTS[name]?.({ home, work, bridge: BRIDGE, bin, prompts, scenario });
  if (cli === '--scenarios') {
    // run.sh asks which scenarios a CLI plays.
    const spec = specOf(scenario);
    if (spec === undefined) throw new Error(`no such CLI: ${scenario}`);
    console.log((spec.scenarios ?? DEFAULT_SCENARIOS).join('\n'));
    return;
  }
  const spec = specOf(cli);
  if (spec === undefined || !(spec.scenarios ?? DEFAULT_SCENARIOS).includes(scenario)) {
    throw new Error(
      `usage: node lane.mjs <${[...Object.keys(CLIS), ...Object.keys(AGENTS)].join('|')}> <${(spec?.scenarios ?? DEFAULT_SCENARIOS).join('|')}> <result.json>`,
    );
  }
  const version = JSON.parse(
    readFileSync(join(stage, cli, 'node_modules', ...spec.pkg.split('/'), 'package.json'), 'utf8'),
  ).version;
  rmSync(run, { recursive: true, force: true });
  mkdirSync(join(home, 'tmp'), { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'hello.txt'), `${FILE_TEXT}\n`);
  if (scenario === 'tools') {
    for (const [file, text] of Object.entries(TOOL_FILES)) {
      mkdirSync(dirname(join(work, file)), { recursive: true });
      writeFileSync(join(work, file), text);
    }
  }
  spec.setup?.();

  const [fakeFile, fakePort, fakeEnv] = spec.fake;
  const fake = spawn(process.execPath, [join(here, 'fakes', fakeFile), String(fakePort), fakeOut], {
    env: {
      ...process.env,
      FAKE_MODE: scenario === 'error' ? 'error' : 'ok',
      ...fakeEnv,
      ...(scenario === 'tools' && { FAKE_TOOL_CALLS: JSON.stringify(TOOL_STEPS()) }),
    },
    stdio: 'ignore',
  });
  const { startDevServer } = await import(join(repo, 'packages/devserver/dist/index.mjs'));
  const { startBridge } = await import(join(repo, 'packages/bridge/dist/index.mjs'));
  const devserver = await startDevServer({ rateLimit: false });
  // The grpc scenario's bridge takes OTLP/HTTP on a free port only: 4318 is closed, so whatever
  // is stored came over gRPC.
  const bridge = await startBridge({
    port: scenario === 'grpc' ? 0 : 4318,
    grpcPort: 4317,
    // The default idle time: the lane closes the bridge (every open task) after the CLI exits, and a
    // shorter one splits a prompt whose export pauses that long on a loaded machine.
    taskIdleMs: 30_000,
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
  // An agent's spec gives its tokens; the cost is priced here for every CLI alike.
  const expected = spec.expected
    ? {
        costMicros: truth.reduce((sum, line) => sum + requestCostMicros(line), 0),
        ...spec.expected(truth),
      }
    : expectedFrom(truth);
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
    if (scenario === 'tools') {
      Object.assign(want, TOOLS_EXPECTED, { actual_cost_usd_micros: expected.costMicros });
    }
    for (const [key, value] of Object.entries(want)) {
      if (JSON.stringify(e[key]) !== JSON.stringify(value)) {
        problems.push(
          `${key}: expected ${JSON.stringify(value)}, stored ${JSON.stringify(e[key])}`,
        );
      }
    }
  }
  const result = {
    cli,
    version,
    scenario,
    exit,
    received: bridge.stats.received,
    expected: silentOnError
      ? { events: '0 or 1', ...expected }
      : {
          events: 1,
          ...expected,
          ...(scenario === 'tools' && {
            gatesRun: TOOLS_EXPECTED.quality_gates_run,
            gatesFailed: TOOLS_EXPECTED.quality_gates_failed,
            language: TOOLS_EXPECTED.language,
          }),
        },
    stored: events.map((e) => ({
      input: e.actual_input_tokens,
      output: e.actual_output_tokens,
      model: e.model,
      provider: e.provider,
      harness: e.harness,
      outcome: e.outcome,
      task_type: e.task_type,
      cost_usd_micros: e.actual_cost_usd_micros,
      gates_run: e.quality_gates_run,
      gates_failed: e.quality_gates_failed,
      gate_passed: e.quality_gate_passed,
      language: e.language,
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

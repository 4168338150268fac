// GitHub Copilot CLI in the CLI lane: offline with BYOK (COPILOT_OFFLINE, COPILOT_PROVIDER_*)
// against the fake OpenAI API, no login. It exports traces (root `invoke_agent` with the run's
// totals, `chat <model>` per request, `execute_tool <tool>`) and metrics, no logs. tools: it reads
// with `view`, edits with `edit` and runs the checks with `bash`; the spans carry the commands and
// paths only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true (the exit code always).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openAiTotals } from './openai-totals.mjs';

/** The model Copilot CLI asks the fake for (a name the price table knows). */
const MODEL = 'gpt-5';

/** @param {import('./index.mjs').AgentContext} ctx */
export function copilot(ctx) {
  const { home, work, bridge, bin, prompts, scenario } = ctx;
  return {
    pkg: '@github/copilot',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'custom',
    provider: 'openai',
    env: {
      COPILOT_OFFLINE: 'true',
      COPILOT_PROVIDER_BASE_URL: 'http://127.0.0.1:8788/v1',
      COPILOT_PROVIDER_TYPE: 'openai',
      COPILOT_PROVIDER_API_KEY: 'sk-fake-key-for-lane',
      COPILOT_MODEL: MODEL,
      COPILOT_HOME: join(home, '.copilot'),
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_OTEL_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: bridge,
    },
    scenarios: ['ok', 'error', 'tools'],
    scenarioEnv: {
      // Without it the execute_tool spans carry neither the command nor the file path.
      tools: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' },
    },
    setup() {
      mkdirSync(join(home, '.copilot'), { recursive: true });
    },
    command: () => [
      bin('copilot'),
      [
        '-p',
        scenario === 'tools' ? prompts.tools : prompts.run,
        '--allow-all',
        '--no-auto-update',
        '--output-format',
        'json',
      ],
    ],
    /** Chat Completions counts: prompt tokens include cached ones, completion tokens reasoning. */
    expected(truth) {
      const { failed, ...totals } = openAiTotals(truth);
      return { ...totals, outcome: failed ? 'failure' : 'success' };
    },
  };
}

// Qwen Code in the CLI lane: a Gemini CLI fork pointed at the fake OpenAI API (Chat Completions)
// through OPENAI_BASE_URL, telemetry on in ~/.qwen/settings.json (OTLP/HTTP). It exports traces
// (root `qwen-code.interaction`, an OTel GenAI `invoke_agent` span, with `qwen-code.llm_request`
// children), logs (`qwen-code.api_response`, `qwen-code.tool_call`: its tools' arguments, in any
// telemetry setting) and metrics. tools: it reads with `read_file`, edits with `edit` and runs the
// checks with `run_shell_command` (offered with --yolo).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAiTotals } from './openai-totals.mjs';

/** The model Qwen Code asks the fake for (a name the price table knows). */
const MODEL = 'gpt-4.1';

/** @param {import('./index.mjs').AgentContext} ctx */
export function qwen(ctx) {
  const { home, work, bridge, bin, prompts, scenario } = ctx;
  return {
    pkg: '@qwen-code/qwen-code',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'custom',
    provider: 'openai',
    env: {
      OPENAI_BASE_URL: 'http://127.0.0.1:8788/v1',
      OPENAI_API_KEY: 'sk-fake-key-for-lane',
      OPENAI_MODEL: MODEL,
      QWEN_CODE_TRUST_WORKSPACE: 'true',
    },
    setup() {
      mkdirSync(join(home, '.qwen'), { recursive: true });
      writeFileSync(
        join(home, '.qwen', 'settings.json'),
        JSON.stringify({
          general: { enableAutoUpdate: false, disableAutoUpdate: true },
          privacy: { usageStatisticsEnabled: false },
          security: { auth: { selectedType: 'openai' } },
          // grpc: Qwen Code's own defaults (OTLP/gRPC to localhost:4317, as Gemini CLI's).
          telemetry:
            scenario === 'grpc'
              ? { enabled: true, target: 'local' }
              : { enabled: true, target: 'local', otlpEndpoint: bridge, otlpProtocol: 'http' },
        }),
      );
    },
    scenarios: ['ok', 'error', 'tools', 'grpc'],
    command: () => [
      bin('qwen'),
      ['--yolo', '--output-format', 'json', scenario === 'tools' ? prompts.tools : prompts.run],
    ],
    /** Chat Completions counts: prompt tokens include cached ones, completion tokens reasoning. */
    expected(truth) {
      const { failed, ...totals } = openAiTotals(truth);
      return { ...totals, outcome: failed ? 'failure' : 'success' };
    },
  };
}

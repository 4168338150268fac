// Kilo Code CLI in the CLI lane: an OpenCode fork pointed at the fake OpenAI-compatible API through
// its OpenCode-schema config (~/.config/kilo/kilo.json). It exports traces (its own
// `KiloSessionPrompt.*` spans among OpenCode's) but no token usage, model or provider at all (its
// AI SDK calls run with telemetry off): the event carries harness and outcome, tokens 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {import('./index.mjs').AgentContext} ctx */
export function kilo(ctx) {
  const { home, work, bridge, bin, prompts } = ctx;
  const disable = (prefix) => ({
    [`${prefix}_DISABLE_AUTOUPDATE`]: '1',
    [`${prefix}_DISABLE_MODELS_FETCH`]: '1',
    [`${prefix}_DISABLE_SHARE`]: '1',
    [`${prefix}_DISABLE_DEFAULT_PLUGINS`]: '1',
    [`${prefix}_DISABLE_CLAUDE_CODE`]: '1',
    [`${prefix}_DISABLE_EXTERNAL_SKILLS`]: '1',
  });
  return {
    pkg: '@kilocode/cli',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'kilo_code',
    /** Kilo took 2.5 min to its first model request on a loaded 2-core machine (180 s was too short). */
    timeoutMs: 420_000,
    provider: 'unknown',
    env: {
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      ...disable('KILO'),
      ...disable('OPENCODE'),
      OTEL_EXPORTER_OTLP_ENDPOINT: bridge,
      OTEL_BSP_SCHEDULE_DELAY: '1',
    },
    setup() {
      mkdirSync(join(home, '.config', 'kilo'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'kilo', 'kilo.json'),
        JSON.stringify({
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
    command: () => [bin('kilo'), ['run', '--pure', '--format', 'json', prompts.run]],
    /**
     * Kilo 7.7 exports no usage: tokens 0, model and provider unknown; failure when its main loop's
     * call failed (a tool-less side request, such as a title, may still follow the 400).
     */
    expected(truth) {
      const failed = truth.some((line) => line.kind === 'error');
      return {
        input: 0,
        output: 0,
        model: 'unknown',
        outcome: failed ? 'failure' : 'success',
        requests: truth.length,
      };
    },
  };
}

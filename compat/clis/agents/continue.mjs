// Continue CLI (`cn`) in the CLI lane: an OpenAI-compatible model on the fake API, metrics only
// (its one OTLP signal) to the bridge. Its metrics say nothing of a failed call, so the event of
// the failing-last-call run is a success with the tokens of the calls that were answered.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAiTotals } from './openai-totals.mjs';

/** @param {import('./index.mjs').AgentContext} ctx */
export function continueCli({ home, work, bin, bridge, prompts }) {
  const config = join(home, '.continue', 'config.yaml');
  return {
    pkg: '@continuedev/cli',
    fake: ['fake-openai.cjs', 8788, { FAKE_WORKDIR: work }],
    harness: 'custom',
    provider: 'openai',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: bridge,
      OTEL_METRICS_EXPORTER: 'otlp',
      CONTINUE_METRICS_ENABLED: '1',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
    setup() {
      mkdirSync(join(home, '.continue'), { recursive: true });
      writeFileSync(
        config,
        [
          'name: lane',
          'version: 1.0.0',
          'schema: v1',
          'models:',
          '  - name: fake',
          '    provider: openai',
          '    model: gpt-4.1',
          '    apiBase: http://127.0.0.1:8788/v1',
          '    apiKey: sk-fake-key-for-lane',
          '    roles: [chat]',
          '',
        ].join('\n'),
      );
    },
    command: () => [bin('cn'), ['-p', prompts.run, '--config', config, '--auto']],
    /** The task the bridge should report: every answered call's tokens (input counts cached). */
    expected(truth) {
      // Its metrics say nothing of a failed call: every run is a success.
      const { failed: _failed, ...totals } = openAiTotals(truth);
      return { ...totals, outcome: 'success' };
    },
  };
}

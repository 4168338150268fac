import { QualityGate } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/derive/classify-command.js';
import { computeCostMicros } from '../../src/derive/compute-cost-micros.js';
import { type GateRun, gateOutcome } from '../../src/derive/gate-outcome.js';
import { languageOfFiles, type TouchedFile } from '../../src/derive/language-of-files.js';
import { LANGUAGE_TABLE } from '../../src/derive/language-table.js';
import type { UsageBreakdown } from '../../src/derive/usage-breakdown.js';

const GATES: readonly string[] = Object.values(QualityGate);
const LANGUAGES = new Set(LANGUAGE_TABLE.split('\n').map((line) => line.split('|')[0]));

/** Shell-like text: words, operators, quotes and heredocs mixed with arbitrary strings. */
const shellText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...['npm', 'pnpm', 'test', 'run', 'lint', 'build', '&&', '||', ';', '|', '&', '(', ')'],
        ...['"', "'", '\\', '<<', 'EOF', '\n', '#', 'bash', '-c', '--filter', 'x', 'c8', 'npx'],
        ...['python', '-m', 'pytest', 'coverage', 'FOO=1', '2>&1', '>', 'tsc', '--noEmit', '$('],
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((words) => words.join(' '));

/** The gates in the schema's order without repeats. */
function inSchemaOrder(gates: readonly string[]): boolean {
  const positions = gates.map((gate) => GATES.indexOf(gate));
  return positions.every((p, i) => p >= 0 && (i === 0 || p > (positions[i - 1] as number)));
}

describe('derived fields carry no input text', () => {
  it('classifyCommand gives only schema gates, in order, for any text', () => {
    fc.assert(
      fc.property(fc.oneof(shellText, fc.string(), fc.anything()), (command) => {
        const gates = classifyCommand(command as string);
        expect(inSchemaOrder(gates)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gateOutcome gives only schema gates for any runs', () => {
    const run = fc.record({
      gates: fc.oneof(fc.array(fc.constantFrom(...GATES, 'deploy', '')), fc.anything()),
      success: fc.oneof(fc.boolean(), fc.anything()),
    });
    fc.assert(
      fc.property(fc.oneof(fc.array(run), fc.anything()), (runs) => {
        const outcome = gateOutcome(runs as GateRun[]);
        expect(inSchemaOrder(outcome.gatesRun)).toBe(true);
        expect(outcome.gatesFailed.every((gate) => outcome.gatesRun.includes(gate))).toBe(true);
        expect(outcome.passed).toBe(
          outcome.gatesRun.length > 0 && outcome.gatesFailed.length === 0,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('languageOfFiles gives null or a language of the table for any files', () => {
    const path = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('.ts', '.h', '.m', '.py', '.md', ''))
        .map(([name, ext]) => `${name}${ext}`),
    );
    const file = fc.oneof(fc.record({ path, edited: fc.boolean() }), fc.anything());
    fc.assert(
      fc.property(fc.oneof(fc.array(file), fc.anything()), (files) => {
        const language = languageOfFiles(files as TouchedFile[]);
        expect(language === null || LANGUAGES.has(language)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('computeCostMicros gives undefined or whole micros within the schema bounds', () => {
    const tokens = fc.oneof(fc.nat(), fc.double(), fc.integer({ min: -1e9, max: 1e12 }));
    const usage = fc.record({
      uncachedInputTokens: tokens,
      cacheReadTokens: tokens,
      cacheWriteTokens: tokens,
      outputTokens: tokens,
      reasoningTokens: tokens,
    });
    const provider = fc.constantFrom('anthropic', 'openai', 'google', 'mistral', 'openrouter', 'x');
    const model = fc.oneof(
      fc.constantFrom('claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro', 'o3', 'codestral-latest'),
      fc.string(),
    );
    const at = fc.oneof(fc.date(), fc.double(), fc.integer());
    fc.assert(
      fc.property(provider, model, usage, at, (p, m, u, time) => {
        const cost = computeCostMicros(p as 'openai', m, u as UsageBreakdown, time);
        if (cost !== undefined) {
          expect(Number.isInteger(cost)).toBe(true);
          expect(cost).toBeGreaterThanOrEqual(0);
          expect(cost).toBeLessThanOrEqual(100_000_000);
        }
      }),
      { numRuns: 300 },
    );
  });
});

import type { QualityGate } from '@mosaicstack/telemetry-semconv';
import { describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/derive/classify-command.js';
import { type GateRun, gateOutcome } from '../../src/derive/gate-outcome.js';

/** A run of `command` as the agent ran it, classified by `classifyCommand`. */
function ran(command: string, success: boolean): GateRun {
  return { gates: classifyCommand(command), success };
}

describe('gateOutcome', () => {
  it('passes when every gate run last succeeded', () => {
    expect(gateOutcome([ran('npm run lint', true), ran('npm test', true)])).toEqual({
      gatesRun: ['lint', 'test'],
      gatesFailed: [],
      passed: true,
    });
  });

  it("takes a gate's result from its last run", () => {
    const fixed = [ran('npm test', false), ran('vim src/a.ts', true), ran('npx vitest run', true)];
    expect(gateOutcome(fixed)).toEqual({ gatesRun: ['test'], gatesFailed: [], passed: true });
    const broken = [ran('go test ./...', true), ran('go test ./...', false)];
    expect(gateOutcome(broken)).toEqual({
      gatesRun: ['test'],
      gatesFailed: ['test'],
      passed: false,
    });
  });

  it('fails every gate of a failed compound command and keeps gates that passed elsewhere', () => {
    const runs = [ran('npx tsc --noEmit', true), ran('npm run build && npm test', false)];
    expect(gateOutcome(runs)).toEqual({
      gatesRun: ['build', 'test', 'typecheck'],
      gatesFailed: ['build', 'test'],
      passed: false,
    });
  });

  it('gives gates in the schema order whatever order they ran in', () => {
    const runs = [
      ran('pip-audit', true),
      ran('mypy .', true),
      ran('pytest --cov=app', false),
      ran('ruff check .', true),
      ran('python -m build', true),
      ran('go build ./...', true),
    ];
    expect(gateOutcome(runs)).toEqual({
      gatesRun: ['build', 'lint', 'test', 'coverage', 'typecheck', 'security'],
      gatesFailed: ['test', 'coverage'],
      passed: false,
    });
  });

  it('does not pass when no gate ran', () => {
    expect(gateOutcome([])).toEqual({ gatesRun: [], gatesFailed: [], passed: false });
    expect(gateOutcome([ran('ls', true), ran('cat test.txt', false)])).toEqual({
      gatesRun: [],
      gatesFailed: [],
      passed: false,
    });
  });

  it('skips runs of unknown success and gate names outside the schema', () => {
    const runs = [
      { gates: ['test'], success: true },
      { gates: ['test'], success: undefined },
      { gates: ['test', 'deploy', 42], success: 1 },
      { gates: 'lint', success: false },
      { gates: ['deploy', 'lint'], success: false },
      null,
    ] as unknown as GateRun[];
    expect(gateOutcome(runs)).toEqual({
      gatesRun: ['lint', 'test'],
      gatesFailed: ['lint'],
      passed: false,
    });
    expect(gateOutcome(undefined as unknown as GateRun[])).toEqual({
      gatesRun: [],
      gatesFailed: [],
      passed: false,
    });
    const proto = [{ gates: ['constructor' as QualityGate], success: true }];
    expect(gateOutcome(proto).gatesRun).toEqual([]);
  });
});

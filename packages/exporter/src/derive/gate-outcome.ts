import { type QualityGate, QualityGate as QualityGates } from '@mosaicstack/telemetry-semconv';
import { inGateOrder } from './gate-order.js';

/** One command the agent ran: the gates it classifies as, and whether it succeeded. */
export interface GateRun {
  /** The command's gates, as `classifyCommand` gives them. */
  gates: readonly QualityGate[];
  /** Whether the command succeeded (exit code 0). */
  success: boolean;
}

/** A task's quality-gate fields, in the schema's gate order. */
export interface GateOutcome {
  /** Every gate some command ran (`quality_gates_run`). */
  gatesRun: QualityGate[];
  /** The gates whose last run failed (`quality_gates_failed`). */
  gatesFailed: QualityGate[];
  /** At least one gate ran and none's last run failed (`quality_gate_passed`). */
  passed: boolean;
}

/** The wire values of quality gates, to drop anything else a run carries. */
const KNOWN_GATES: ReadonlySet<string> = new Set(Object.values(QualityGates));

/**
 * A task's quality gates from its commands in the order they ran: a gate's result is its last
 * run's success, so a test fixed and re-run passes. Runs whose success is not a boolean and gate
 * names outside the schema are skipped; never throws.
 */
export function gateOutcome(runs: readonly GateRun[]): GateOutcome {
  const last = new Map<QualityGate, boolean>();
  for (const run of Array.isArray(runs) ? runs : []) {
    if (typeof run?.success !== 'boolean' || !Array.isArray(run.gates)) continue;
    for (const gate of run.gates) {
      if (KNOWN_GATES.has(gate)) last.set(gate, run.success);
    }
  }
  const gatesRun = inGateOrder(new Set(last.keys()));
  const gatesFailed = gatesRun.filter((gate) => last.get(gate) === false);
  return { gatesRun, gatesFailed, passed: gatesRun.length > 0 && gatesFailed.length === 0 };
}

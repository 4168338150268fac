import { QualityGate } from '@mosaicstack/telemetry-semconv';

/** The schema's order of quality gates: build, lint, test, coverage, typecheck, security. */
const GATE_ORDER: readonly QualityGate[] = Object.values(QualityGate);

/** The gates of a set in the schema's order, the order every list of gates is given in. */
export function inGateOrder(gates: ReadonlySet<QualityGate>): QualityGate[] {
  return GATE_ORDER.filter((gate) => gates.has(gate));
}

import type { MosaicTelemetryConfig } from '../types.js';

/** Knobs for tests only: never part of the options, reached through a config key nobody types. */
export interface TestSeams {
  /** First backoff ceiling of retries in ms, so retry tests run in milliseconds. */
  readonly retryBaseDelayMs?: number;
}

/** A registry symbol, so tests of the built package (`Symbol.for` in a plain script) reach it too. */
export const TEST_SEAMS: unique symbol = Symbol.for('@mosaicstack/telemetry-exporter.test-seams');

/** `config` with test seams attached, for `createMosaicSpanProcessor` and `MosaicSpanExporter`. */
export function withTestSeams(
  config: MosaicTelemetryConfig | undefined,
  seams: TestSeams,
): MosaicTelemetryConfig {
  return { ...config, [TEST_SEAMS]: seams } as MosaicTelemetryConfig;
}

/** The test seams attached to `config`, if any. */
export function testSeamsOf(config: MosaicTelemetryConfig | undefined): TestSeams {
  if (typeof config !== 'object' || config === null) return {};
  const seams = (config as { [TEST_SEAMS]?: unknown })[TEST_SEAMS];
  return typeof seams === 'object' && seams !== null ? (seams as TestSeams) : {};
}

import { createHash } from 'node:crypto';
import {
  MosaicSpanExporter,
  MosaicSpanProcessor,
  type MosaicTelemetryConfig,
  resolveConfig,
  validateConfig,
} from '@mosaicstack/telemetry-exporter';
import { Harness } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { captureDiag } from '../support/captured-diag.js';
import { EXPORTER_ENV_NAMES } from '../support/exporter-env.js';
import { anyNumber } from './arbitraries.js';

const HEX = /^[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_RANGES = {
  submitIntervalMs: [0, 86_400_000],
  maxQueueSize: [1, 1_000_000],
  batchSize: [1, 100],
  requestTimeoutMs: [1, 600_000],
  maxRetries: [0, 10],
  predictionCacheTtlMs: [0, 2_592_000_000],
} as const;

/**
 * `length` hex characters of high entropy, derived from a generated seed (so runs replay): fast-check
 * biases plain strings toward runs like 000..., which a message could hold by chance.
 */
const hex = (min: number, max: number) =>
  fc.tuple(fc.integer(), fc.integer({ min, max })).map(([seed, length]) => {
    let out = '';
    for (let i = 0; out.length < length; i++) {
      out += createHash('sha256').update(`${seed}:${i}`).digest('hex');
    }
    return out.slice(0, length);
  });

/**
 * An API key as a user might pass it, with its `core`: a random hex run of 16+ characters that
 * nothing else in a run can contain, so finding any 16 characters of it in a message is a leak.
 */
const apiKey = fc.oneof(
  { weight: 8, arbitrary: hex(64, 64).map((core) => ({ value: core, core })) },
  hex(64, 64).map((core) => ({ value: ` ${core.toUpperCase()}\n`, core })),
  hex(16, 80).map((core) => ({ value: core, core })),
  fc.tuple(hex(16, 70), fc.string()).map(([core, tail]) => ({ value: core + tail, core })),
  fc.tuple(fc.string(), hex(16, 70)).map(([head, core]) => ({ value: head + core, core })),
  fc.tuple(hex(32, 32), hex(32, 32)).map(([a, b]) => ({ value: `${a}g${b}`, core: `${a}${b}` })),
);

/** Mostly valid (so some runs are enabled), else any value at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...invalid: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { weight: 30, arbitrary: valid },
    ...invalid.map((arbitrary) => ({ weight: 1, arbitrary })),
  );

const cyclic: Record<string, unknown> = { name: 'cyclic' };
cyclic.self = cyclic;
/** Any value at all, including those JSON cannot show (BigInt, cycles, Map, boxed values). */
const anyValue = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true }),
  fc.constant(cyclic),
);

const intOption = (name: keyof typeof INT_RANGES) =>
  mostly(
    fc.integer({ min: INT_RANGES[name][0], max: INT_RANGES[name][1] }),
    anyNumber,
    fc.string(),
    anyValue,
  );
const serverUrl = mostly(
  fc.constantFrom(
    'http://127.0.0.1:4318',
    'http://localhost:8080/base/',
    'http://[::1]:9',
    'https://telemetry.example.invalid',
  ),
  fc.constantFrom(
    'http://telemetry.example.invalid',
    'ftp://127.0.0.1',
    'https://user:pass@telemetry.example.invalid',
    'not a url',
    '',
    '   ',
  ),
  fc.string(),
  anyValue,
);
const boolOption = mostly(fc.boolean(), anyValue);

/** Every option, each absent, valid, or any value at all; the key carried alongside. */
const configInput = fc.record({
  key: apiKey,
  keyInEnv: fc.boolean(),
  options: fc.record(
    {
      enabled: mostly(fc.constant(true), fc.boolean(), anyValue),
      serverUrl,
      instanceId: mostly(fc.uuid(), fc.string(), anyValue),
      harness: mostly(fc.constantFrom(...Object.values(Harness)), fc.string(), anyValue),
      submitIntervalMs: intOption('submitIntervalMs'),
      maxQueueSize: intOption('maxQueueSize'),
      batchSize: intOption('batchSize'),
      requestTimeoutMs: intOption('requestTimeoutMs'),
      maxRetries: intOption('maxRetries'),
      predictionCacheTtlMs: intOption('predictionCacheTtlMs'),
      dryRun: boolOption,
      autoTasks: boolOption,
      allowInsecure: boolOption,
      onError: fc.oneof(
        fc.constant(() => undefined),
        anyValue,
      ),
    },
    { requiredKeys: [] },
  ),
  env: fc.record(
    {
      MOSAIC_TELEMETRY_ENABLED: mostly(
        fc.constantFrom('1', 'true', ' YES ', 'on'),
        fc.constantFrom('off', '0', 'maybe'),
        fc.string(),
      ),
      MOSAIC_TELEMETRY_SERVER_URL: mostly(fc.constant('http://127.0.0.1:4318'), fc.string()),
      MOSAIC_TELEMETRY_INSTANCE_ID: mostly(fc.uuid(), fc.string()),
      MOSAIC_TELEMETRY_HARNESS: mostly(fc.constantFrom('claude_code', 'aider'), fc.string()),
      MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS: mostly(
        fc.constantFrom('1000', ' 60000 '),
        fc.constantFrom('-1', '1e3', 'x', '1.5'),
        fc.string(),
      ),
      MOSAIC_TELEMETRY_DRY_RUN: mostly(
        fc.constantFrom('1', 'no'),
        fc.constantFrom('2'),
        fc.string(),
      ),
      OTEL_SDK_DISABLED: mostly(
        fc.constantFrom('false', ''),
        fc.constantFrom('true', 'TRUE'),
        fc.string(),
      ),
    },
    { requiredKeys: [] },
  ),
});
type ConfigInput = typeof configInput extends fc.Arbitrary<infer T> ? T : never;

/** The config object and env of one generated input: the key goes to the option or the env. */
function split(input: ConfigInput): { config: MosaicTelemetryConfig; env: Record<string, string> } {
  const env: Record<string, string> = { ...(input.env as Record<string, string>) };
  const config = { ...input.options } as MosaicTelemetryConfig;
  if (input.keyInEnv) env.MOSAIC_TELEMETRY_API_KEY = input.key.value;
  else config.apiKey = input.key.value;
  return { config, env };
}

/** Messages that contain 16 characters in a row of the key's core (case-insensitively). */
function leaks(core: string, messages: readonly string[]): string[] {
  const lowerCore = core.toLowerCase();
  const windows = Array.from({ length: lowerCore.length - 15 }, (_, i) =>
    lowerCore.slice(i, i + 16),
  );
  return messages.filter((m) => {
    const lower = m.toLowerCase();
    return windows.some((w) => lower.includes(w));
  });
}

const isTrue = (raw: string | undefined) =>
  raw !== undefined && ['1', 'true', 'yes', 'on'].includes(raw.trim().toLowerCase());
const isFalse = (raw: string | undefined) =>
  raw !== undefined && ['0', 'false', 'no', 'off'].includes(raw.trim().toLowerCase());

/** What must hold whenever a config resolves as enabled (an oracle written apart from the code). */
function expectUsable(config: MosaicTelemetryConfig, env: Record<string, string>): void {
  expect(isTrue(env.OTEL_SDK_DISABLED)).toBe(false);
  const envEnabled = env.MOSAIC_TELEMETRY_ENABLED;
  if (isTrue(envEnabled)) expect([undefined, null, true, false]).toContain(config.enabled);
  else {
    expect(isFalse(envEnabled)).toBe(false);
    expect(config.enabled).toBe(true);
  }
  const key = typeof config.apiKey === 'string' ? config.apiKey : env.MOSAIC_TELEMETRY_API_KEY;
  expect(key?.trim()).toMatch(HEX);
  const instanceId =
    typeof config.instanceId === 'string' ? config.instanceId : env.MOSAIC_TELEMETRY_INSTANCE_ID;
  expect(instanceId?.trim()).toMatch(UUID);
  const url =
    typeof config.serverUrl === 'string' ? config.serverUrl : env.MOSAIC_TELEMETRY_SERVER_URL;
  expect(['http:', 'https:']).toContain(new URL((url as string).trim()).protocol);
  for (const [name, [min, max]] of Object.entries(INT_RANGES)) {
    const value = (config as Record<string, unknown>)[name];
    // An option that is undefined or null counts as not given.
    if (value === undefined || value === null) continue;
    expect(Number.isInteger(value)).toBe(true);
    expect(value as number).toBeGreaterThanOrEqual(min);
    expect(value as number).toBeLessThanOrEqual(max);
  }
  for (const name of ['dryRun', 'autoTasks', 'allowInsecure'] as const) {
    expect([undefined, null, true, false]).toContain(config[name]);
  }
  expect([undefined, 'function']).toContain(
    config.onError == null ? undefined : typeof config.onError,
  );
}

describe('resolveConfig', () => {
  describe('arbitrary options and env', () => {
    it('never throws, is enabled only when valid, and never echoes the API key', () => {
      let enabledRuns = 0;
      fc.assert(
        fc.property(configInput, (input) => {
          const { config, env } = split(input);
          const resolved = resolveConfig(config, env);
          const problems = validateConfig(config, env);
          expect(problems).toEqual([...resolved.problems]);
          if (resolved.enabled) {
            enabledRuns++;
            expectUsable(config, env);
            expect(resolved.problems).toEqual([]);
          }
          expect(leaks(input.key.core, [...resolved.problems, ...resolved.warnings])).toEqual([]);
        }),
        { numRuns: 500 },
      );
      // Both sides of the oracle were exercised.
      expect(enabledRuns).toBeGreaterThan(10);
      expect(enabledRuns).toBeLessThan(490);
    });

    it('is enabled with no problems for every valid, switched-on config', () => {
      const valid = fc.record({
        enabled: fc.constant(true),
        serverUrl: fc.constantFrom('http://127.0.0.1:4318', 'https://telemetry.example.invalid/x/'),
        apiKey: hex(64, 64),
        instanceId: fc.uuid(),
        harness: fc.constantFrom(...Object.values(Harness)),
        submitIntervalMs: fc.integer({ min: 0, max: 86_400_000 }),
        maxQueueSize: fc.integer({ min: 1, max: 1_000_000 }),
        batchSize: fc.integer({ min: 1, max: 100 }),
        requestTimeoutMs: fc.integer({ min: 1, max: 600_000 }),
        maxRetries: fc.integer({ min: 0, max: 10 }),
        dryRun: fc.boolean(),
      });
      fc.assert(
        fc.property(valid, (config) => {
          const resolved = resolveConfig(config, {});
          expect(resolved.problems).toEqual([]);
          expect(resolved.enabled).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('createMosaicSpanProcessor', () => {
  describe('arbitrary options and process env', () => {
    it('never throws, runs only when valid, and logs no part of the API key at any level', async () => {
      let enabledRuns = 0;
      const diag = captureDiag();
      const messages: string[] = [];
      try {
        await fc.assert(
          fc.asyncProperty(configInput, async (input) => {
            const { config, env } = split(input);
            for (const name of EXPORTER_ENV_NAMES) vi.stubEnv(name, env[name]);
            try {
              const expected = resolveConfig(config, process.env);
              const processor = processorWithFastRetries(config, 1);
              expect(processor instanceof MosaicSpanProcessor).toBe(expected.enabled);
              if (expected.enabled) enabledRuns++;
              await processor.forceFlush();
              await processor.shutdown();
              const exporter = new MosaicSpanExporter(config);
              await exporter.shutdown();
              expect(leaks(input.key.core, diag.lines)).toEqual([]);
              messages.push(...diag.lines.splice(0));
            } finally {
              vi.unstubAllEnvs();
            }
          }),
          { numRuns: 200 },
        );
      } finally {
        diag.stop();
      }
      expect(enabledRuns).toBeGreaterThan(5);
      // The run did log config problems (so the check above looked at real lines).
      expect(messages.some((m) => m.includes('apiKey: expected 64 hex characters'))).toBe(true);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import { resolveConfig, validateConfig } from '../../src/config/resolve-config.js';

const KEY = 'ab'.repeat(32);
const ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';
const valid = { serverUrl: 'https://telemetry.example.com/', apiKey: KEY, instanceId: ID };

describe('resolveConfig', () => {
  describe('enabled', () => {
    it('is off by default even with a valid config', () => {
      const config = resolveConfig(valid, {});
      expect(config.enabled).toBe(false);
      expect(config.switchedOn).toBe(false);
      expect(config.problems).toEqual([]);
    });

    it('is on with enabled: true and a valid config', () => {
      expect(resolveConfig({ ...valid, enabled: true }, {}).enabled).toBe(true);
    });

    it('lets the env flag win over code in both directions', () => {
      expect(
        resolveConfig({ ...valid, enabled: true }, { MOSAIC_TELEMETRY_ENABLED: 'off' }).enabled,
      ).toBe(false);
      expect(
        resolveConfig({ ...valid, enabled: false }, { MOSAIC_TELEMETRY_ENABLED: 'YES' }).enabled,
      ).toBe(true);
      for (const word of ['1', 'true', 'yes', 'on']) {
        expect(resolveConfig(valid, { MOSAIC_TELEMETRY_ENABLED: word }).enabled).toBe(true);
      }
    });

    it('is switched off by OTEL_SDK_DISABLED=true whatever else says on', () => {
      const env = { MOSAIC_TELEMETRY_ENABLED: '1', OTEL_SDK_DISABLED: 'true' };
      expect(resolveConfig({ ...valid, enabled: true }, env).enabled).toBe(false);
    });

    it('warns about an unreadable flag, naming the variable, the form and the value', () => {
      const config = resolveConfig(
        { ...valid, enabled: true },
        { MOSAIC_TELEMETRY_ENABLED: 'maybe' },
      );
      expect(config.enabled).toBe(true);
      expect(config.warnings).toEqual([
        'MOSAIC_TELEMETRY_ENABLED: expected one of 1/true/yes/on or 0/false/no/off, got "maybe"; ignored',
      ]);
    });

    it('is off with problems listed when switched on but invalid', () => {
      const config = resolveConfig({ enabled: true }, {});
      expect(config.switchedOn).toBe(true);
      expect(config.enabled).toBe(false);
      expect(config.problems.map((p) => p.split(':')[0])).toEqual([
        'serverUrl',
        'apiKey',
        'instanceId',
      ]);
    });
  });

  describe('env', () => {
    it('reads every documented variable', () => {
      const config = resolveConfig(
        {},
        {
          MOSAIC_TELEMETRY_ENABLED: 'on',
          MOSAIC_TELEMETRY_SERVER_URL: 'http://127.0.0.1:8931//',
          MOSAIC_TELEMETRY_API_KEY: KEY,
          MOSAIC_TELEMETRY_INSTANCE_ID: ID,
          MOSAIC_TELEMETRY_HARNESS: 'aider',
          MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS: '5000',
          MOSAIC_TELEMETRY_DRY_RUN: 'true',
        },
      );
      expect(config).toMatchObject({
        enabled: true,
        serverUrl: 'http://127.0.0.1:8931',
        apiKey: KEY,
        instanceId: ID,
        harness: 'aider',
        submitIntervalMs: 5000,
        dryRun: true,
      });
    });

    it('lets explicit options win over env', () => {
      const config = resolveConfig(
        { ...valid, harness: 'claude_code', submitIntervalMs: 10 },
        {
          MOSAIC_TELEMETRY_SERVER_URL: 'http://127.0.0.1:1',
          MOSAIC_TELEMETRY_HARNESS: 'aider',
          MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS: '5000',
        },
      );
      expect(config.serverUrl).toBe('https://telemetry.example.com');
      expect(config.harness).toBe('claude_code');
      expect(config.submitIntervalMs).toBe(10);
    });

    it('warns about a bad number and uses the default', () => {
      const config = resolveConfig(valid, { MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS: 'soon' });
      expect(config.submitIntervalMs).toBe(300_000);
      expect(config.warnings[0]).toBe(
        'MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS: expected an integer from 0 to 86400000, got "soon"; using the default',
      );
    });
  });

  describe('defaults', () => {
    it('uses the documented defaults', () => {
      expect(resolveConfig(valid, {})).toMatchObject({
        harness: 'unknown',
        submitIntervalMs: 300_000,
        maxQueueSize: 1000,
        batchSize: 100,
        requestTimeoutMs: 10_000,
        maxRetries: 3,
        predictionCacheTtlMs: 21_600_000,
        dryRun: false,
        autoTasks: false,
        allowInsecure: false,
      });
    });
  });

  describe('serverUrl', () => {
    it.each([
      ['http://localhost:8931', 'http://localhost:8931'],
      ['http://127.0.0.5/', 'http://127.0.0.5'],
      ['http://[::1]:9/base/', 'http://[::1]:9/base'],
      ['https://telemetry.example.com/mosaic///', 'https://telemetry.example.com/mosaic'],
    ])('accepts %s as %s', (raw, expected) => {
      expect(resolveConfig({ ...valid, serverUrl: raw }, {}).serverUrl).toBe(expected);
    });

    it.each([
      ['https://telemetry.example.com/v1', 'https://telemetry.example.com'],
      ['https://a.example.com/v1/', 'https://a.example.com'],
      ['https://b.example.com/V1//', 'https://b.example.com'],
      ['http://127.0.0.1:8931/mosaic/v1', 'http://127.0.0.1:8931/mosaic'],
    ])('drops the /v1 of %s (requests add it), saying so at debug once', (raw, expected) => {
      const diag = captureDiag();
      try {
        expect(resolveConfig({ ...valid, serverUrl: raw }, {})).toMatchObject({
          serverUrl: expected,
          problems: [],
          warnings: [],
        });
        expect(diag.lines.join('\n')).toContain(`serverUrl ends in /v1: using ${expected}`);
      } finally {
        diag.stop();
      }
    });

    it('keeps a path that only contains v1 elsewhere', () => {
      for (const raw of ['https://t.example.com/v1x', 'https://t.example.com/v1/mosaic']) {
        expect(resolveConfig({ ...valid, serverUrl: raw }, {}).serverUrl).toBe(raw);
      }
    });

    it('refuses plain http to a non-loopback host unless allowInsecure', () => {
      expect(
        validateConfig({ ...valid, serverUrl: 'http://telemetry.example.com' }, {})[0],
      ).toMatch(
        /^serverUrl: plain http is only allowed to loopback.*allowInsecure: true or MOSAIC_TELEMETRY_ALLOW_INSECURE=true$/,
      );
      expect(
        validateConfig(
          { ...valid, serverUrl: 'http://telemetry.example.com', allowInsecure: true },
          {},
        ),
      ).toEqual([]);
    });

    it('refuses what is not an http(s) URL', () => {
      expect(validateConfig({ ...valid, serverUrl: 'not a url' }, {})[0]).toMatch(
        /^serverUrl: "not a url" is not a URL/,
      );
      expect(validateConfig({ ...valid, serverUrl: 'ftp://127.0.0.1' }, {})[0]).toMatch(
        /^serverUrl: protocol ftp:/,
      );
    });
  });

  describe('apiKey', () => {
    it('requires 64 hex characters and never echoes the key', () => {
      const secret = 'secret-key-that-is-wrong';
      const problems = validateConfig({ ...valid, apiKey: secret }, {});
      expect(problems).toEqual([
        'apiKey: expected 64 hex characters, got 24 characters that are not all hex; set the apiKey option or MOSAIC_TELEMETRY_API_KEY to the 64-hex-character key',
      ]);
      expect(problems.join()).not.toContain(secret);
    });
  });

  describe('instanceId', () => {
    it('requires a UUID', () => {
      expect(validateConfig({ ...valid, instanceId: 'abc' }, {})[0]).toMatch(
        /^instanceId: expected a UUID/,
      );
    });
  });

  describe('numbers', () => {
    it('lists each out-of-range option with how to fix it', () => {
      const problems = validateConfig(
        {
          ...valid,
          batchSize: 101,
          maxQueueSize: 0,
          requestTimeoutMs: Number.NaN,
          maxRetries: 1.5,
        },
        {},
      );
      expect(problems.map((p) => p.split(':')[0])).toEqual([
        'maxQueueSize',
        'batchSize',
        'requestTimeoutMs',
        'maxRetries',
      ]);
      expect(problems[1]).toBe(
        'batchSize: expected an integer from 1 to 100, got 101; fix the option or remove it to use the default 100',
      );
    });
  });

  describe('computeCost', () => {
    it('is on by default, off with MOSAIC_TELEMETRY_COMPUTE_COST=0, and the option wins', () => {
      expect(resolveConfig(valid, {}).computeCost).toBe(true);
      expect(resolveConfig(valid, { MOSAIC_TELEMETRY_COMPUTE_COST: '0' }).computeCost).toBe(false);
      expect(
        resolveConfig({ ...valid, computeCost: true }, { MOSAIC_TELEMETRY_COMPUTE_COST: 'off' })
          .computeCost,
      ).toBe(true);
    });

    it('warns about an unreadable env value, naming the variable, the form and the value', () => {
      const config = resolveConfig(valid, { MOSAIC_TELEMETRY_COMPUTE_COST: 'maybe' });
      expect(config.computeCost).toBe(true);
      expect(config.warnings).toEqual([
        'MOSAIC_TELEMETRY_COMPUTE_COST: expected one of 1/true/yes/on or 0/false/no/off, got "maybe"; ignored',
      ]);
    });

    it('lists an option that is not a boolean as a problem', () => {
      expect(validateConfig({ ...valid, computeCost: 'no' as never }, {})).toEqual([
        'computeCost: expected a boolean, got "no"',
      ]);
    });
  });

  describe('harness', () => {
    it('reports an unknown harness as custom with a warning', () => {
      const config = resolveConfig({ ...valid, harness: 'my-own-cli' }, {});
      expect(config.harness).toBe('custom');
      expect(config.warnings).toHaveLength(1);
    });
  });

  describe('garbage', () => {
    it('never throws on a config that is not an object', () => {
      expect(() => resolveConfig(null as never, {})).not.toThrow();
      expect(resolveConfig('x' as never, { MOSAIC_TELEMETRY_ENABLED: '1' }).enabled).toBe(false);
    });
  });
});

describe('resolveConfig with values that cannot be shown', () => {
  describe('problems', () => {
    it('never throws on BigInt, cycles or a throwing getter, and lists the problem', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(validateConfig({ ...valid, maxRetries: 10n as never }, {})).toEqual([
        'maxRetries: expected an integer from 0 to 10, got a bigint that cannot be shown; fix the option or remove it to use the default 3',
      ]);
      expect(validateConfig({ ...valid, dryRun: cyclic as never }, {})[0]).toMatch(
        /^dryRun: expected a boolean, got a object/,
      );
      const hostile = Object.defineProperty({}, 'serverUrl', {
        get() {
          throw new Error('boom');
        },
      });
      const config = resolveConfig(hostile, { MOSAIC_TELEMETRY_ENABLED: '1' });
      expect(config.enabled).toBe(false);
      expect(config.problems).toEqual([
        'config: could not be read (boom); pass a plain object of options',
      ]);
    });

    it('treats null like an option not given', () => {
      const config = resolveConfig(
        {
          ...valid,
          enabled: null,
          dryRun: null,
          maxRetries: null,
          onError: null,
          harness: null,
        } as never,
        {},
      );
      expect(config.problems).toEqual([]);
      expect(config.maxRetries).toBe(3);
    });

    it('does not echo an instance id, which may be a key pasted into the wrong place', () => {
      const problems = validateConfig({ ...valid, instanceId: KEY }, {});
      expect(problems).toEqual([
        'instanceId: expected a UUID like 2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b, got 64 characters that are not one',
      ]);
    });
  });
});

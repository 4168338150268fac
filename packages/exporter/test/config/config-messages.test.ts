import { describe, expect, it } from 'vitest';
import { apiKeyProblem } from '../../src/config/api-key-problem.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

const KEY = 'ab'.repeat(32);
const ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';
const valid = { serverUrl: 'https://telemetry.example.com', apiKey: KEY, instanceId: ID };

describe('apiKeyProblem', () => {
  describe('apiKeyProblem', () => {
    it('says "too short" for an all-hex key under 64 characters, without echoing it', () => {
      const key = 'abcdef0123';
      const problem = apiKeyProblem(key);
      expect(problem).toMatch(/^apiKey: too short: expected 64 hex characters, got 10;/);
      expect(problem).toContain('MOSAIC_TELEMETRY_API_KEY');
      expect(problem).not.toContain(key);
    });

    it('says "too long" for an all-hex key over 64 characters', () => {
      expect(apiKeyProblem('a'.repeat(70))).toMatch(/^apiKey: too long: .* got 70;/);
    });

    it('says "not all hex" for a key with other characters', () => {
      expect(apiKeyProblem('z'.repeat(64))).toMatch(/not all hex/);
    });
  });
});

describe('resolveConfig', () => {
  describe('allowInsecure', () => {
    it('takes MOSAIC_TELEMETRY_ALLOW_INSECURE from env, the fix the serverUrl message names', () => {
      const insecure = { ...valid, serverUrl: 'http://telemetry.example.com' };
      const refused = resolveConfig(insecure, {});
      expect(refused.problems[0]).toContain('MOSAIC_TELEMETRY_ALLOW_INSECURE=true');
      const allowed = resolveConfig(insecure, { MOSAIC_TELEMETRY_ALLOW_INSECURE: 'true' });
      expect(allowed.problems).toEqual([]);
      expect(allowed.allowInsecure).toBe(true);
    });

    it('lets the option win over env', () => {
      const config = { ...valid, serverUrl: 'http://telemetry.example.com', allowInsecure: false };
      expect(
        resolveConfig(config, { MOSAIC_TELEMETRY_ALLOW_INSECURE: 'true' }).problems,
      ).toHaveLength(1);
    });
  });

  describe('exportMode', () => {
    it('is batch by default and immediate from the option or env', () => {
      expect(resolveConfig(valid, {}).exportMode).toBe('batch');
      expect(resolveConfig({ ...valid, exportMode: 'immediate' }, {}).exportMode).toBe('immediate');
      expect(resolveConfig(valid, { MOSAIC_TELEMETRY_EXPORT_MODE: 'immediate' }).exportMode).toBe(
        'immediate',
      );
    });

    it('is immediate by default in a Next.js server, AWS Lambda and Vercel', () => {
      for (const env of [
        { NEXT_RUNTIME: 'nodejs' },
        { AWS_LAMBDA_FUNCTION_NAME: 'fn' },
        { VERCEL: '1' },
      ]) {
        expect(resolveConfig(valid, env).exportMode).toBe('immediate');
        expect(
          resolveConfig(valid, { ...env, MOSAIC_TELEMETRY_EXPORT_MODE: 'batch' }).exportMode,
        ).toBe('batch');
      }
    });
  });
});

describe('exportMode', () => {
  describe('resolveConfig', () => {
    it('lists a bad option as a problem and ignores a bad env value with a warning', () => {
      const bad = resolveConfig({ ...valid, exportMode: 'later' as never }, {});
      expect(bad.exportMode).toBe('batch');
      expect(bad.problems[0]).toMatch(/^exportMode: expected 'batch' or 'immediate', got "later"/);
      const ignored = resolveConfig(valid, { MOSAIC_TELEMETRY_EXPORT_MODE: 'x' });
      expect(ignored.exportMode).toBe('batch');
      expect(ignored.warnings[0]).toMatch(
        /^MOSAIC_TELEMETRY_EXPORT_MODE: expected batch or immediate/,
      );
    });
  });
});

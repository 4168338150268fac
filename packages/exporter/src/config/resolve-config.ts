// config/: the options from arguments, env and defaults; their validation and the one-time report.
import { type Harness, MAX_EVENTS_PER_BATCH } from '@mosaicstack/telemetry-semconv';
import { HARNESSES } from '../conversion/wire-values.js';
import { addSecret, redactSecrets } from '../otel/redact-secrets.js';
import type { MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { apiKeyProblem } from './api-key-problem.js';
import { checkInt as checkIntRule, type IntRule, show } from './int-rule.js';
import { readExportMode } from './read-export-mode.js';

type Env = Readonly<Record<string, string | undefined>>;

const HEX_KEY = /^[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Defaults of every option (README, configuration). */
export const DEFAULTS = {
  harness: 'unknown',
  submitIntervalMs: 300_000,
  maxQueueSize: 1000,
  batchSize: MAX_EVENTS_PER_BATCH,
  requestTimeoutMs: 10_000,
  maxRetries: 3,
  predictionCacheTtlMs: 21_600_000,
  shutdownTimeoutMs: 10_000,
} as const;

const INT_RULES = {
  submitIntervalMs: { min: 0, max: 86_400_000 },
  maxQueueSize: { min: 1, max: 1_000_000 },
  batchSize: { min: 1, max: MAX_EVENTS_PER_BATCH },
  requestTimeoutMs: { min: 1, max: 600_000 },
  maxRetries: { min: 0, max: 10 },
  predictionCacheTtlMs: { min: 0, max: 2_592_000_000 },
  shutdownTimeoutMs: { min: 1, max: 600_000 },
} as const satisfies Record<string, IntRule>;

function parseBool(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Reads an env flag, adding a warning when it is set but not a boolean word. */
function envBool(env: Env, name: string, warnings: string[]): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = parseBool(raw);
  if (value === undefined) {
    warnings.push(
      `${name}: expected one of 1/true/yes/on or 0/false/no/off, got ${show(raw)}; ignored`,
    );
  }
  return value;
}

function envInt(env: Env, name: string, rule: IntRule, warnings: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
    warnings.push(
      `${name}: expected an integer from ${rule.min} to ${rule.max}, got ${show(raw)}; using the default`,
    );
    return undefined;
  }
  return value;
}

function envString(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function checkInt(
  name: keyof typeof INT_RULES,
  value: unknown,
  fallback: number,
  problems: string[],
): number {
  return checkIntRule(name, value, INT_RULES[name], fallback, problems);
}

function checkServerUrl(
  raw: string | undefined,
  allowInsecure: boolean,
  problems: string[],
): string {
  if (raw === undefined) {
    problems.push(
      'serverUrl: missing; set the serverUrl option or MOSAIC_TELEMETRY_SERVER_URL to your Mosaic Telemetry server, e.g. https://telemetry.example.com',
    );
    return '';
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`serverUrl: ${show(raw)} is not a URL; use e.g. https://telemetry.example.com`);
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`serverUrl: protocol ${url.protocol} is not supported; use http(s)://`);
    return '';
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      'serverUrl: must not carry credentials; pass the key as apiKey or MOSAIC_TELEMETRY_API_KEY',
    );
    return '';
  }
  if (url.protocol === 'http:' && !allowInsecure && !isLoopback(url.hostname)) {
    problems.push(
      `serverUrl: plain http is only allowed to loopback, got host ${url.hostname}; use https://, or set allowInsecure: true or MOSAIC_TELEMETRY_ALLOW_INSECURE=true`,
    );
    return '';
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Decides every option: explicit option, then env, then default; an option that is `undefined`
 * or `null` counts as not given. Never throws: what is wrong is listed in `problems` (then
 * `enabled` is false) and ignored env values in `warnings`. The API key is remembered as a secret
 * to redact: no problem, warning or later log line shows it, whatever variable it was put in.
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@mosaicstack/telemetry-exporter';
 *
 * const config = resolveConfig({ enabled: true, harness: 'claude_code' });
 * if (!config.enabled) console.error(config.problems.join('\n'));
 * ```
 */
export function resolveConfig(
  config: MosaicTelemetryConfig = {},
  env: Env = process.env,
): ResolvedMosaicConfig {
  try {
    return decide(config, env);
  } catch (error) {
    // Only a hostile object (a throwing getter or Proxy) gets here.
    const problem = `config: could not be read (${error instanceof Error ? error.message : 'unknown error'}); pass a plain object of options`;
    return { ...decide({}, {}), switchedOn: true, problems: [redactSecrets(problem)] };
  }
}

function decide(config: MosaicTelemetryConfig, env: Env): ResolvedMosaicConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const options: MosaicTelemetryConfig =
    typeof config === 'object' && config !== null ? config : {};
  if (options !== config) problems.push('config: expected an object of options');

  const envEnabled = envBool(env, 'MOSAIC_TELEMETRY_ENABLED', warnings);
  const sdkDisabled = parseBool(env.OTEL_SDK_DISABLED) === true;
  let switchedOn: boolean;
  if (sdkDisabled) switchedOn = false;
  else if (envEnabled !== undefined) switchedOn = envEnabled;
  else switchedOn = options.enabled === true;
  if (options.enabled != null && typeof options.enabled !== 'boolean') {
    problems.push(`enabled: expected a boolean, got ${show(options.enabled)}`);
  }

  const bool = (name: 'allowInsecure' | 'autoTasks' | 'dryRun', value: unknown): boolean => {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') {
      problems.push(`${name}: expected a boolean, got ${show(value)}`);
      return false;
    }
    return value;
  };
  const allowInsecure = bool(
    'allowInsecure',
    options.allowInsecure ?? envBool(env, 'MOSAIC_TELEMETRY_ALLOW_INSECURE', warnings),
  );
  const autoTasks = bool('autoTasks', options.autoTasks);
  const dryRun = bool(
    'dryRun',
    options.dryRun ?? envBool(env, 'MOSAIC_TELEMETRY_DRY_RUN', warnings) ?? false,
  );

  const serverUrl = checkServerUrl(
    typeof options.serverUrl === 'string'
      ? options.serverUrl.trim()
      : envString(env, 'MOSAIC_TELEMETRY_SERVER_URL'),
    allowInsecure,
    problems,
  );

  const apiKey =
    typeof options.apiKey === 'string'
      ? options.apiKey.trim()
      : envString(env, 'MOSAIC_TELEMETRY_API_KEY');
  if (apiKey !== undefined) addSecret(apiKey);
  if (apiKey === undefined) {
    problems.push(
      'apiKey: missing; set the apiKey option or MOSAIC_TELEMETRY_API_KEY (64 hex characters)',
    );
  } else if (!HEX_KEY.test(apiKey)) {
    // Never echo the key, not even a bad one.
    problems.push(apiKeyProblem(apiKey));
  }

  const instanceId =
    typeof options.instanceId === 'string'
      ? options.instanceId.trim()
      : envString(env, 'MOSAIC_TELEMETRY_INSTANCE_ID');
  if (instanceId === undefined) {
    problems.push(
      'instanceId: missing; set the instanceId option or MOSAIC_TELEMETRY_INSTANCE_ID to a UUID',
    );
  } else if (!UUID.test(instanceId)) {
    problems.push(
      // Not echoed: a key pasted into the wrong variable must not reach a log.
      `instanceId: expected a UUID like 2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b, got ${instanceId.length} characters that are not one`,
    );
  }

  let harness: Harness = DEFAULTS.harness;
  const rawHarness = options.harness ?? envString(env, 'MOSAIC_TELEMETRY_HARNESS');
  if (rawHarness !== undefined) {
    const word = typeof rawHarness === 'string' ? rawHarness.trim().toLowerCase() : '';
    if (HARNESSES.has(word)) harness = word as Harness;
    else {
      harness = 'custom';
      warnings.push(
        `harness: expected one of ${[...HARNESSES].join(', ')}, got ${show(rawHarness)}; reporting "custom"`,
      );
    }
  }

  const submitIntervalMs = checkInt(
    'submitIntervalMs',
    options.submitIntervalMs ??
      envInt(env, 'MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS', INT_RULES.submitIntervalMs, warnings),
    DEFAULTS.submitIntervalMs,
    problems,
  );
  const onError = options.onError;
  if (onError != null && typeof onError !== 'function') {
    problems.push('onError: expected a function');
  }

  const resolved: ResolvedMosaicConfig = {
    enabled: false,
    switchedOn,
    serverUrl,
    apiKey: apiKey ?? '',
    instanceId: instanceId ?? '',
    harness,
    submitIntervalMs,
    maxQueueSize: checkInt('maxQueueSize', options.maxQueueSize, DEFAULTS.maxQueueSize, problems),
    batchSize: checkInt('batchSize', options.batchSize, DEFAULTS.batchSize, problems),
    requestTimeoutMs: checkInt(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      DEFAULTS.requestTimeoutMs,
      problems,
    ),
    maxRetries: checkInt('maxRetries', options.maxRetries, DEFAULTS.maxRetries, problems),
    predictionCacheTtlMs: checkInt(
      'predictionCacheTtlMs',
      options.predictionCacheTtlMs,
      DEFAULTS.predictionCacheTtlMs,
      problems,
    ),
    shutdownTimeoutMs: checkInt(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs,
      DEFAULTS.shutdownTimeoutMs,
      problems,
    ),
    dryRun,
    autoTasks,
    allowInsecure,
    onError: typeof onError === 'function' ? onError : undefined,
    exportMode: readExportMode(options.exportMode, env, problems, warnings),
    problems: problems.map(redactSecrets),
    warnings: warnings.map(redactSecrets),
  };
  return { ...resolved, enabled: switchedOn && problems.length === 0 };
}

/**
 * Lists what is wrong with a config (merged with env as `resolveConfig` does); empty when it is
 * usable. Whether telemetry is switched on does not matter here.
 */
export function validateConfig(
  config: MosaicTelemetryConfig = {},
  env: Env = process.env,
): string[] {
  return [...resolveConfig(config, env).problems];
}

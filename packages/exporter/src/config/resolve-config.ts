// config/: the options from arguments, env and defaults; their validation and the one-time report.
import { type Harness, MAX_EVENTS_PER_BATCH } from '@mosaicstack/telemetry-semconv';
import { HARNESSES } from '../conversion/wire-values.js';
import { logger } from '../otel/diag-logger.js';
import { createLogOnce } from '../otel/log-once.js';
import { addSecret, redactSecrets } from '../otel/redact-secrets.js';
import type { MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';
import { apiKeyProblem } from './api-key-problem.js';
import { checkInt, type IntRule, show } from './int-rule.js';
import { defaultExportMode, EXPORT_MODES } from './read-export-mode.js';

type Env = Readonly<Record<string, string | undefined>>;

const HEX_KEY = /^[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);
const logOnce = createLogOnce();

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

/** The options one table row decides: every resolved field but the derived ones. */
type Decided = Omit<ResolvedMosaicConfig, 'enabled' | 'switchedOn' | 'problems' | 'warnings'> & {
  switchedOn: boolean;
};
type Name = keyof Decided;

/** What a row's parser and rule may use: the options decided before it, and where to complain. */
interface Context {
  readonly decided: Partial<Decided>;
  readonly problems: string[];
  readonly warnings: string[];
}

/** One option: where it comes from, how it is read and checked, and its default. */
interface OptionRow<K extends Name = Name> {
  /** The option's name, also the field of the resolved config. */
  readonly name: K;
  /** Its env variable, if it has one. */
  readonly env?: string;
  /** Reads the env value (trimmed, not blank); undefined, with a warning, when it is unreadable. */
  readonly parse?: (raw: string, ctx: Context) => unknown;
  /** The value when neither the option nor env gives one. */
  readonly default: Decided[K];
  /** The default when it depends on the environment. */
  readonly defaultFrom?: (env: Env) => Decided[K];
  /** The problem listed when neither gives one and the option is required. */
  readonly missing?: string;
  /** Whether an explicit value counts as given; undefined and null never do. */
  readonly given?: (value: unknown) => boolean;
  /** Checks a given value (the option's or env's): the value to use, or the default and a problem. */
  readonly rule: (value: unknown, ctx: Context) => Decided[K];
  /** Env wins over the option when set (the enabled flag only). */
  readonly envWins?: boolean;
}

/** A row, its types tied to the field it decides. */
const row = <K extends Name>(r: OptionRow<K>): OptionRow => r as unknown as OptionRow;

function parseBool(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** An env flag: a boolean word, else a warning and the value ignored. */
const envBool =
  (name: string) =>
  (raw: string, ctx: Context): boolean | undefined => {
    const value = parseBool(raw);
    if (value === undefined) {
      ctx.warnings.push(
        `${name}: expected one of 1/true/yes/on or 0/false/no/off, got ${show(raw)}; ignored`,
      );
    }
    return value;
  };

/** An env integer within `rule`, else a warning and the default. */
const envInt =
  (name: string, rule: IntRule) =>
  (raw: string, ctx: Context): number | undefined => {
    const value = Number(raw);
    if (Number.isInteger(value) && value >= rule.min && value <= rule.max) return value;
    ctx.warnings.push(
      `${name}: expected an integer from ${rule.min} to ${rule.max}, got ${show(raw)}; using the default`,
    );
    return undefined;
  };

/** A boolean option: anything else is a problem, and false. */
const boolRule =
  (name: string) =>
  (value: unknown, ctx: Context): boolean => {
    if (typeof value === 'boolean') return value;
    ctx.problems.push(`${name}: expected a boolean, got ${show(value)}`);
    return false;
  };

/** An integer option within `rule`, else a problem and the default. */
function intRow(name: keyof typeof DEFAULTS & Name, rule: IntRule, env?: string): OptionRow {
  const fallback = DEFAULTS[name] as number;
  return row({
    name,
    default: fallback,
    rule: (value, ctx) => checkInt(name, value, rule, fallback, ctx.problems),
    ...(env === undefined ? {} : { env, parse: envInt(env, rule) }),
  });
}

const isString = (value: unknown) => typeof value === 'string';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The server URL without trailing slashes: an http(s) URL without credentials, plain http only
 * to loopback unless `allowInsecure`. A path ending in `/v1` is the API root already given: the
 * `/v1` is dropped (said at debug), since request paths start with `/v1/`.
 */
function serverUrlRule(value: unknown, ctx: Context): string {
  const raw = (value as string).trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.problems.push(
      `serverUrl: ${show(raw)} is not a URL; use e.g. https://telemetry.example.com`,
    );
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.problems.push(`serverUrl: protocol ${url.protocol} is not supported; use http(s)://`);
    return '';
  }
  if (url.username !== '' || url.password !== '') {
    ctx.problems.push(
      'serverUrl: must not carry credentials; pass the key as apiKey or MOSAIC_TELEMETRY_API_KEY',
    );
    return '';
  }
  if (url.protocol === 'http:' && ctx.decided.allowInsecure !== true && !isLoopback(url.hostname)) {
    ctx.problems.push(
      `serverUrl: plain http is only allowed to loopback, got host ${url.hostname}; use https://, or set allowInsecure: true or MOSAIC_TELEMETRY_ALLOW_INSECURE=true`,
    );
    return '';
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  if (!/\/v1$/i.test(base)) return base;
  const trimmed = base.slice(0, -3).replace(/\/+$/, '');
  logOnce(`v1:${trimmed}`, () =>
    logger.debug(`serverUrl ends in /v1: using ${trimmed}, since requests go to ${trimmed}/v1/...`),
  );
  return trimmed;
}

/**
 * Every option, in the order its problems and warnings are listed: name, env variable, parser,
 * default, rule. The enabled flag comes first; `serverUrl` after `allowInsecure`, which it uses.
 */
const OPTIONS: readonly OptionRow[] = [
  row({
    name: 'switchedOn',
    env: 'MOSAIC_TELEMETRY_ENABLED',
    parse: envBool('MOSAIC_TELEMETRY_ENABLED'),
    default: false,
    rule: boolRule('enabled'),
    envWins: true,
  }),
  row({
    name: 'allowInsecure',
    env: 'MOSAIC_TELEMETRY_ALLOW_INSECURE',
    parse: envBool('MOSAIC_TELEMETRY_ALLOW_INSECURE'),
    default: false,
    rule: boolRule('allowInsecure'),
  }),
  row({ name: 'autoTasks', default: false, rule: boolRule('autoTasks') }),
  row({
    name: 'computeCost',
    env: 'MOSAIC_TELEMETRY_COMPUTE_COST',
    parse: envBool('MOSAIC_TELEMETRY_COMPUTE_COST'),
    default: true,
    rule: boolRule('computeCost'),
  }),
  row({
    name: 'dryRun',
    env: 'MOSAIC_TELEMETRY_DRY_RUN',
    parse: envBool('MOSAIC_TELEMETRY_DRY_RUN'),
    default: false,
    rule: boolRule('dryRun'),
  }),
  row({
    name: 'serverUrl',
    env: 'MOSAIC_TELEMETRY_SERVER_URL',
    parse: (raw) => raw,
    given: isString,
    default: '',
    missing:
      'serverUrl: missing; set the serverUrl option or MOSAIC_TELEMETRY_SERVER_URL to your Mosaic Telemetry server, e.g. https://telemetry.example.com',
    rule: serverUrlRule,
  }),
  row({
    name: 'apiKey',
    env: 'MOSAIC_TELEMETRY_API_KEY',
    parse: (raw) => raw,
    given: isString,
    default: '',
    missing:
      'apiKey: missing; set the apiKey option or MOSAIC_TELEMETRY_API_KEY (64 hex characters)',
    rule: (value, ctx) => {
      const key = (value as string).trim();
      // Redacted from every later message and log line; a bad key is never echoed either.
      addSecret(key);
      if (!HEX_KEY.test(key)) ctx.problems.push(apiKeyProblem(key));
      return key;
    },
  }),
  row({
    name: 'instanceId',
    env: 'MOSAIC_TELEMETRY_INSTANCE_ID',
    parse: (raw) => raw,
    given: isString,
    default: '',
    missing:
      'instanceId: missing; set the instanceId option or MOSAIC_TELEMETRY_INSTANCE_ID to a UUID',
    rule: (value, ctx) => {
      const id = (value as string).trim();
      if (!UUID.test(id)) {
        ctx.problems.push(
          // Not echoed: a key pasted into the wrong variable must not reach a log.
          `instanceId: expected a UUID like 2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b, got ${id.length} characters that are not one`,
        );
      }
      return id;
    },
  }),
  row({
    name: 'harness',
    env: 'MOSAIC_TELEMETRY_HARNESS',
    parse: (raw) => raw,
    default: DEFAULTS.harness,
    rule: (value, ctx) => {
      const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
      if (HARNESSES.has(word)) return word as Harness;
      ctx.warnings.push(
        `harness: expected one of ${[...HARNESSES].join(', ')}, got ${show(value)}; reporting "custom"`,
      );
      return 'custom';
    },
  }),
  intRow('submitIntervalMs', { min: 0, max: 86_400_000 }, 'MOSAIC_TELEMETRY_SUBMIT_INTERVAL_MS'),
  row({
    name: 'onError',
    default: undefined,
    rule: (value, ctx) => {
      if (typeof value === 'function') return value as Decided['onError'];
      ctx.problems.push('onError: expected a function');
      return undefined;
    },
  }),
  intRow('maxQueueSize', { min: 1, max: 1_000_000 }),
  intRow('batchSize', { min: 1, max: MAX_EVENTS_PER_BATCH }),
  intRow('requestTimeoutMs', { min: 1, max: 600_000 }),
  intRow('maxRetries', { min: 0, max: 10 }),
  intRow('predictionCacheTtlMs', { min: 0, max: 2_592_000_000 }),
  intRow('shutdownTimeoutMs', { min: 1, max: 600_000 }),
  row({
    name: 'exportMode',
    env: 'MOSAIC_TELEMETRY_EXPORT_MODE',
    parse: (raw, ctx) => {
      const word = raw.toLowerCase();
      if (EXPORT_MODES.has(word)) return word;
      ctx.warnings.push(
        `MOSAIC_TELEMETRY_EXPORT_MODE: expected batch or immediate, got ${JSON.stringify(word)}; using the default`,
      );
      return undefined;
    },
    default: 'batch',
    defaultFrom: defaultExportMode,
    rule: (value, ctx) => {
      if (typeof value === 'string' && EXPORT_MODES.has(value)) return value as 'batch';
      ctx.problems.push(
        `exportMode: expected 'batch' or 'immediate', got ${JSON.stringify(value) ?? typeof value}; fix the option or remove it`,
      );
      return 'batch';
    },
  }),
];

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

/** The one loop over {@link OPTIONS}: explicit > env > default, each given value through its rule. */
function decide(config: MosaicTelemetryConfig, env: Env): ResolvedMosaicConfig {
  const ctx: Context = { decided: {}, problems: [], warnings: [] };
  const options = (typeof config === 'object' && config !== null ? config : {}) as Record<
    string,
    unknown
  >;
  if (options !== config) ctx.problems.push('config: expected an object of options');
  const decided = ctx.decided as Record<string, unknown>;
  for (const option of OPTIONS) {
    const key = option.name === 'switchedOn' ? 'enabled' : option.name;
    const explicit = options[key];
    const isGiven = explicit != null && (option.given?.(explicit) ?? true);
    let value = option.envWins && isGiven ? option.rule(explicit, ctx) : undefined;
    let found = value !== undefined;
    if (!isGiven || option.envWins) {
      const raw = option.env === undefined ? undefined : env[option.env]?.trim();
      const parsed = raw === undefined || raw === '' ? undefined : option.parse?.(raw, ctx);
      if (parsed !== undefined) {
        value = option.rule(parsed, ctx);
        found = true;
      }
    } else {
      value = option.rule(explicit, ctx);
      found = true;
    }
    if (!found) {
      if (option.missing !== undefined) ctx.problems.push(option.missing);
      value = option.defaultFrom?.(env) ?? option.default;
    }
    decided[option.name] = value;
  }
  // OTEL_SDK_DISABLED=true switches telemetry off whatever else says on.
  const switchedOn = parseBool(env.OTEL_SDK_DISABLED) !== true && decided.switchedOn === true;
  const resolved = {
    ...(decided as Decided),
    switchedOn,
    problems: ctx.problems.map(redactSecrets),
    warnings: ctx.warnings.map(redactSecrets),
  };
  return { ...resolved, enabled: switchedOn && ctx.problems.length === 0 };
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

import type { DiagLogger } from '@opentelemetry/api';

/**
 * Where `@opentelemetry/api` 1.x keeps its globals (`registerGlobal` in its
 * `internal/global-utils`): every copy of the API shares this `Symbol.for` key, which is how copies
 * find each other. Read here, never written: the API has no getter for "a diag logger is set".
 */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
const PREFIX = '@mosaicstack/telemetry-exporter';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';
const RANK: Readonly<Record<Level, number>> = { error: 1, warn: 2, info: 3, debug: 4, verbose: 5 };
/** `OTEL_LOG_LEVEL` words, as NodeSDK reads them; unset or unknown means WARN. */
const LEVELS: Readonly<Record<string, number>> = {
  NONE: 0,
  ERROR: 1,
  WARN: 2,
  INFO: 3,
  DEBUG: 4,
  VERBOSE: 5,
  ALL: 5,
};

/** Whether the host (NodeSDK, `diag.setLogger`) has set a diag logger, in any copy of the API. */
export function hostHasDiagLogger(): boolean {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    API_GLOBAL_KEY
  ];
  return registry?.diag !== undefined;
}

/**
 * The one place the library writes to stderr itself. Until the host sets a diag logger (NodeSDK
 * sets it in `start()`, after `createMosaicSpanProcessor()` already ran; the register entry runs
 * before any), OTel `diag` drops every message, so config problems, lost events and dry-run
 * batches would vanish. This logger prints them instead, each distinct message once (digits
 * ignored, so a recurring failure is not repeated per batch), at `OTEL_LOG_LEVEL` (WARN when unset;
 * `none` silences it). Once the host has a diag logger, `component` (our diag component logger)
 * gets every message and this one prints nothing.
 */
export function withFallback(component: DiagLogger, env = process.env): DiagLogger {
  const printed = new Set<string>();
  const log =
    (level: Level) =>
    (message: string, ...args: unknown[]): void => {
      if (hostHasDiagLogger()) {
        component[level](message, ...args);
        return;
      }
      const max = LEVELS[env.OTEL_LOG_LEVEL?.trim().toUpperCase() ?? ''] ?? LEVELS.WARN;
      if (RANK[level] > (max ?? 2)) return;
      const key = `${level}:${message.replace(/\d+/g, '#')}`;
      if (printed.has(key)) return;
      printed.add(key);
      const extra = args.length > 0 ? ` ${args.map(String).join(' ')}` : '';
      try {
        process.stderr.write(`${PREFIX} ${level}: ${message}${extra}\n`);
      } catch {
        // stderr closed: nothing left to tell
      }
    };
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    verbose: log('verbose'),
  };
}

import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { hasApiRegistry, registeredGlobal, removeEmptyApiRegistry } from './registered-global.js';

const LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  NONE: DiagLogLevel.NONE,
  ERROR: DiagLogLevel.ERROR,
  WARN: DiagLogLevel.WARN,
  INFO: DiagLogLevel.INFO,
  DEBUG: DiagLogLevel.DEBUG,
  VERBOSE: DiagLogLevel.VERBOSE,
  ALL: DiagLogLevel.ALL,
};

/**
 * Runs `fn` so that what it logs through OTel `diag` is seen. The register entry runs before the
 * app, when nobody has set a diag logger yet, so its config problems would otherwise vanish: when
 * none is set, a `DiagConsoleLogger` (stderr) is set for the duration of `fn` at the level of
 * `OTEL_LOG_LEVEL` (the variable NodeSDK reads too), WARN when unset, then removed again so the
 * app can set its own without an override warning (and, if it was the first global registered, the
 * API's registry is removed too, so it pins no API version). An app's own logger is left alone.
 */
export function withVisibleDiag<T>(fn: () => T, env = process.env): T {
  if (registeredGlobal('diag') !== undefined) return fn();
  const level = LEVELS[env.OTEL_LOG_LEVEL?.trim().toUpperCase() ?? ''] ?? DiagLogLevel.WARN;
  if (level === DiagLogLevel.NONE) return fn();
  const hadRegistry = hasApiRegistry();
  diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
  try {
    return fn();
  } finally {
    diag.disable();
    if (!hadRegistry) removeEmptyApiRegistry();
  }
}

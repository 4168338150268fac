import { type DiagLogger, diag } from '@opentelemetry/api';
import { withFallback } from './fallback-diag.js';
import { redactSecrets } from './redact-secrets.js';

// OTel diag, or the stderr fallback while the host has set no diag logger (see withFallback).
const component = withFallback(
  diag.createComponentLogger({ namespace: '@mosaicstack/telemetry-exporter' }),
);

function redacted(level: keyof DiagLogger): (message: string, ...args: unknown[]) => void {
  return (message, ...args) =>
    component[level](redactSecrets(String(message)), ...args.map((a) => redactSecrets(String(a))));
}

/**
 * The logger every part of the exporter logs through (OTel `diag`, never `console`), redacting
 * the API key from every line (see `redactSecrets`).
 */
export const logger: DiagLogger = {
  error: redacted('error'),
  warn: redacted('warn'),
  info: redacted('info'),
  debug: redacted('debug'),
  verbose: redacted('verbose'),
};

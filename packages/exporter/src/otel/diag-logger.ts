import { type DiagLogger, diag } from '@opentelemetry/api';
import { redactSecrets } from './redact-secrets.js';

const component = diag.createComponentLogger({ namespace: '@mosaicstack/telemetry-exporter' });

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

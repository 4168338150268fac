import { diag } from '@opentelemetry/api';
import { withFallback } from './fallback-diag.js';

/**
 * The component logger every part of the exporter logs through: OTel `diag` (never `console`),
 * and, while the host has set no diag logger, the stderr fallback of `withFallback`.
 */
export const logger = withFallback(
  diag.createComponentLogger({ namespace: '@mosaicstack/telemetry-exporter' }),
);

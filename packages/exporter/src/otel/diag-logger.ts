import { diag } from '@opentelemetry/api';

/** The component logger every part of the exporter logs through (OTel `diag`, never `console`). */
export const logger = diag.createComponentLogger({ namespace: '@mosaicstack/telemetry-exporter' });

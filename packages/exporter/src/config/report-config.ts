import { logger } from '../otel/diag-logger.js';
import { createLogOnce } from '../otel/log-once.js';
import type { ResolvedMosaicConfig } from '../types.js';
import { hintSwitchedOff } from './hint-switched-off.js';

const logOnce = createLogOnce();

/**
 * Logs a resolved config's warnings, and its problems when telemetry was switched on, each once
 * per process. Returns whether telemetry runs.
 */
export function reportConfig(config: ResolvedMosaicConfig): boolean {
  if (!config.switchedOn) hintSwitchedOff();
  for (const warning of config.warnings) logOnce(`w:${warning}`, () => logger.warn(warning));
  if (config.switchedOn && config.problems.length > 0) {
    for (const problem of config.problems) {
      logOnce(`p:${problem}`, () =>
        logger.warn(`invalid config, Mosaic telemetry runs disabled: ${problem}`),
      );
    }
  }
  return config.enabled;
}

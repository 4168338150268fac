import { logger } from '../otel/diag-logger.js';

type Env = Readonly<Record<string, string | undefined>>;

let hinted = false;

/**
 * When telemetry is off but `MOSAIC_TELEMETRY_*` values are set (the server URL, the key...), the
 * user most likely forgot the switch: says so once, at debug level (off is a valid choice, and
 * `OTEL_SDK_DISABLED=true` is one too, so this is no warning).
 */
export function hintSwitchedOff(env: Env = process.env): void {
  if (hinted) return;
  const set = Object.keys(env).filter(
    (name) => name.startsWith('MOSAIC_TELEMETRY_') && name !== 'MOSAIC_TELEMETRY_ENABLED',
  );
  if (set.length === 0) return;
  hinted = true;
  const why =
    env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true'
      ? 'OTEL_SDK_DISABLED=true switches it off'
      : 'set MOSAIC_TELEMETRY_ENABLED=true (or the enabled option) to switch it on';
  const names = set.sort().join(', ');
  logger.debug(
    `Mosaic telemetry is off although ${names} ${set.length === 1 ? 'is' : 'are'} set; ${why}`,
  );
}

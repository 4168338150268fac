import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The spool folder's name under the user's state directory. */
const FOLDER = 'mosaic-telemetry-bridge';

/**
 * The CLI's default spool folder: `$XDG_STATE_HOME/mosaic-telemetry-bridge`, else
 * `~/.local/state/mosaic-telemetry-bridge` (the XDG Base Directory rule: a relative
 * `XDG_STATE_HOME` is ignored).
 */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const state = env.XDG_STATE_HOME;
  const base = state !== undefined && isAbsolute(state) ? state : join(home, '.local', 'state');
  return join(base, FOLDER);
}

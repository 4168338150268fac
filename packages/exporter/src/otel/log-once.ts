/** Most distinct keys remembered; past it messages are no longer de-duplicated (never unbounded). */
const MAX_KEYS = 1000;

/**
 * A log-once set: `logOnce(key, log)` runs `log` the first time `key` is seen. Bounded: past
 * 1000 distinct keys it stops logging new ones instead of growing.
 */
export function createLogOnce(): (key: string, log: () => void) => void {
  const seen = new Set<string>();
  return (key, log) => {
    if (seen.has(key) || seen.size >= MAX_KEYS) return;
    seen.add(key);
    log();
  };
}

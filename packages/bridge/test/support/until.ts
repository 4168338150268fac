/**
 * Polls `read` every 25 ms until `done` holds for what it read (by default: until it is truthy)
 * or `ms` pass, and returns the last value read: a real bridge, server or process answers in its
 * own time (a loaded CI machine runs timers late), so tests wait for a state, never for a fixed
 * sleep, and their own assertions then say what was wrong.
 */
export async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean = Boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

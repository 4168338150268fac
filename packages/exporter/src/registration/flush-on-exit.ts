import { logger } from '../otel/diag-logger.js';

/** Longest we hold up an exit (a signal or the end of the event loop) to deliver telemetry. */
export const EXIT_FLUSH_TIMEOUT_MS = 5000;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** What the exit hooks flush. */
export interface ExitFlushTarget {
  /** Whether anything arrived since the last flush. */
  readonly hasUnflushedSpans: boolean;
  forceFlush(): Promise<void>;
}

/**
 * Flushes `target` on SIGTERM, SIGINT and `beforeExit`, each wait bounded by `timeoutMs`.
 * - A signal: our listener runs first (prepended). If the app listens for the signal too, the app
 *   owns the exit and we only flush; otherwise we flush, then re-raise the signal with our listener
 *   gone, so the process ends as the signal would have ended it (exit status 128 + signal). A
 *   second signal during the flush finds no listener of ours and ends the process at once.
 * - `beforeExit`: flushes only when a span ended since the last flush, so it fires once more and
 *   then lets the process exit. If the flush is still running after `timeoutMs` (server down,
 *   retries pending), the process exits with its exit code.
 * `process.exit()` and uncaught exceptions skip all of this: no async work can run then.
 * Returns a function that removes the hooks.
 */
export function flushOnExit(
  target: ExitFlushTarget,
  timeoutMs: number = EXIT_FLUSH_TIMEOUT_MS,
): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const appHandlesSignal = process.listenerCount(signal) > 0;
    void bounded(target.forceFlush(), timeoutMs, true).then((finished) => {
      if (!finished) logger.warn(`gave up waiting for telemetry delivery on ${signal}`);
      if (appHandlesSignal || process.listenerCount(signal) > 0) return;
      process.kill(process.pid, signal);
    });
  };
  let flushing = false;
  const onBeforeExit = () => {
    if (flushing || !target.hasUnflushedSpans) return;
    flushing = true;
    void bounded(target.forceFlush(), timeoutMs, false).then((finished) => {
      flushing = false;
      if (finished) return;
      logger.warn('gave up waiting for telemetry delivery at exit');
      process.exit();
    });
  };
  for (const signal of SIGNALS) process.prependOnceListener(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
}

/**
 * Waits for `work` at most `ms`; resolves whether it finished. A `ref`'d timer keeps the process
 * alive for the whole wait (needed after a signal, whose exit we owe); an unref'd one does not.
 */
function bounded(work: Promise<void>, ms: number, ref: boolean): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    if (!ref) timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

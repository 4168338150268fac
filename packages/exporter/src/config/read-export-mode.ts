import type { ExportMode } from '../types.js';
import { isNextServerScript } from './next-server-script.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The values `exportMode` takes. */
export const EXPORT_MODES: ReadonlySet<string> = new Set(['batch', 'immediate']);

/**
 * Env variables that mark a process which may be stopped or frozen right after a request: a
 * Next.js server (whose SIGTERM handler calls `process.exit` at once), AWS Lambda and Vercel
 * functions. There a task event held for the batch delay is lost, so `immediate` is the default.
 */
const SHORT_LIVED_MARKERS = ['NEXT_RUNTIME', 'AWS_LAMBDA_FUNCTION_NAME', 'VERCEL'] as const;

/**
 * The default `exportMode`: `immediate` in a Next.js server or a serverless function (see
 * `SHORT_LIVED_MARKERS`; a process of the `next` CLI is known by its main script, `argv[1]`,
 * before Next.js sets `NEXT_RUNTIME`), else `batch`.
 */
export function defaultExportMode(env: Env, argv: readonly string[] = process.argv): ExportMode {
  if (isNextServerScript(argv[1])) return 'immediate';
  return SHORT_LIVED_MARKERS.some((name) => (env[name] ?? '') !== '') ? 'immediate' : 'batch';
}

import type { ExportMode } from '../types.js';
import { isNextServerScript } from './next-server-script.js';

type Env = Readonly<Record<string, string | undefined>>;

const MODES: ReadonlySet<string> = new Set(['batch', 'immediate']);

/**
 * Env variables that mark a process which may be stopped or frozen right after a request: a
 * Next.js server (whose SIGTERM handler calls `process.exit` at once), AWS Lambda and Vercel
 * functions. There a task event held for the batch delay is lost, so `immediate` is the default.
 */
const SHORT_LIVED_MARKERS = ['NEXT_RUNTIME', 'AWS_LAMBDA_FUNCTION_NAME', 'VERCEL'] as const;

/**
 * Decides `exportMode`: the option, then `MOSAIC_TELEMETRY_EXPORT_MODE`, then `immediate` in a
 * Next.js server or a serverless function (see `SHORT_LIVED_MARKERS`; a process of the `next` CLI
 * is known by its main script, `argv[1]`, before Next.js sets `NEXT_RUNTIME`), else `batch`.
 */
export function readExportMode(
  option: unknown,
  env: Env,
  problems: string[],
  warnings: string[],
  argv: readonly string[] = process.argv,
): ExportMode {
  if (option !== undefined && option !== null) {
    if (typeof option === 'string' && MODES.has(option)) return option as ExportMode;
    problems.push(
      `exportMode: expected 'batch' or 'immediate', got ${JSON.stringify(option) ?? typeof option}; fix the option or remove it`,
    );
    return 'batch';
  }
  const raw = env.MOSAIC_TELEMETRY_EXPORT_MODE?.trim().toLowerCase();
  if (raw !== undefined && raw !== '') {
    if (MODES.has(raw)) return raw as ExportMode;
    warnings.push(
      `MOSAIC_TELEMETRY_EXPORT_MODE: expected batch or immediate, got ${JSON.stringify(raw)}; using the default`,
    );
  }
  if (isNextServerScript(argv[1])) return 'immediate';
  return SHORT_LIVED_MARKERS.some((name) => (env[name] ?? '') !== '') ? 'immediate' : 'batch';
}

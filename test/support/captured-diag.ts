import { DiagLogLevel, diag } from '@opentelemetry/api';

/**
 * Captures every OTel diag line (component loggers pass their namespace first, so the arguments
 * are joined) until `stop()` is called.
 */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.ALL): {
  lines: string[];
  stop(): void;
} {
  const lines: string[] = [];
  const push =
    (prefix: string) =>
    (...args: unknown[]) =>
      lines.push(`${prefix} ${args.map(String).join(' ')}`);
  diag.setLogger(
    {
      verbose: push('verbose'),
      debug: push('debug'),
      info: push('info'),
      warn: push('warn'),
      error: push('error'),
    },
    { logLevel: level, suppressOverrideMessage: true },
  );
  return { lines, stop: () => diag.disable() };
}

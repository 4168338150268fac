import { spawn } from 'node:child_process';

/** What a finished child `node` process printed, and how it ended. */
export interface NodeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node ...args` in `cwd` with only `PATH` and `env` in its environment (so the test run's
 * own MOSAIC_ and OTEL_ variables never leak in), and resolves with its output once it has ended.
 */
export function runNode(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env: Record<string, string> },
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

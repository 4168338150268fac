import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));

/** The built bridge CLI running in a child process. */
export interface BridgeProcess {
  readonly child: ChildProcess;
  /** Its OTLP/HTTP base URL, from its banner. */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Kills it with SIGKILL (no cleanup at all) and waits for it to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM (closes open tasks, delivers) and waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the bridge CLI (`dist/cli.mjs`) on a free loopback port, gRPC off, delivering to
 * `server` (a devserver's URL, key and instance id); resolves once its banner is out.
 */
export async function startBridgeProcess(options: {
  spoolDir: string;
  server: { url: string; apiKey: string; instanceId: string };
  taskIdleMs: number;
}): Promise<BridgeProcess> {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('MOSAIC_') && !k.startsWith('OTEL_'),
      ),
    ),
    MOSAIC_TELEMETRY_SERVER_URL: options.server.url,
    MOSAIC_TELEMETRY_API_KEY: options.server.apiKey,
    MOSAIC_TELEMETRY_INSTANCE_ID: options.server.instanceId,
  };
  const args = [
    CLI,
    '--port',
    '0',
    '--grpc-port',
    'off',
    '--task-idle-ms',
    String(options.taskIdleMs),
    '--spool-dir',
    options.spoolDir,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = once(child, 'close').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+) [^\n]*\n[\s\S]*OTEL_RESOURCE_ATTRIBUTES/.exec(
        stdout,
      );
      if (match) {
        child.stdout?.off('data', check);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void closed.then(() => reject(new Error(`bridge exited; stdout: ${stdout} stderr: ${stderr}`)));
  });
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return closed;
    },
  };
}

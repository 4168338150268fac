#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startDevServer } from './start-dev-server.js';

const USAGE = `Usage: mosaic-telemetry-devserver [options]

A local Mosaic Telemetry API v1 server backed by SQLite, for development and tests.

Options:
  --port <n>     TCP port, 0 for a free one (default 8931)
  --host <addr>  address to listen on (default 127.0.0.1)
  --db <path>    SQLite file, or :memory: (default ./mosaic-telemetry-dev.db)
  -h, --help     show this help
`;

/** Exit code of a command-line usage error. */
const EXIT_USAGE = 2;

function usageError(message: string): never {
  console.error(`mosaic-telemetry-devserver: ${message}\n\n${USAGE}`);
  process.exit(EXIT_USAGE);
}

function parseCli(argv: string[]): { port: number; host: string; dbPath: string } {
  let values: { port?: string; host?: string; db?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '8931' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string', default: './mosaic-telemetry-dev.db' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port ?? '') || port > 65_535) {
    usageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  if (!values.host) usageError('--host must not be empty');
  if (!values.db) usageError('--db must not be empty');
  return { port, host: values.host, dbPath: values.db };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const server = await startDevServer(options);
  console.log(`Mosaic Telemetry dev server listening on ${server.url}
  API key:     ${server.apiKey}
  Instance id: ${server.instanceId}
  Database:    ${options.dbPath}

Paste into your environment:
MOSAIC_TELEMETRY_ENABLED=1
MOSAIC_TELEMETRY_SERVER_URL=${server.url}
MOSAIC_TELEMETRY_API_KEY=${server.apiKey}
MOSAIC_TELEMETRY_INSTANCE_ID=${server.instanceId}
`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    console.log(`Received ${signal}, shutting down.`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`mosaic-telemetry-devserver: ${(error as Error).message}`);
  process.exit(1);
});

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hostName } from './server/create-host-check.js';
import { startDevServer } from './server/start-dev-server.js';
import { startupBanner } from './server/startup-banner.js';

const USAGE = `Usage: mosaic-telemetry-devserver [options]

A local Mosaic Telemetry API v1 server backed by SQLite, with a web view, for development and tests.

Options:
  --port <n>            TCP port, 0 for a free one (default 8931)
  --host <addr>         address to listen on (default 127.0.0.1)
  --allowed-host <name> answer requests whose Host is this name too (repeatable; a leading dot
                        allows the names under it); localhost and loopback addresses always pass,
                        any other Host gets 403
  --db <path>           SQLite file, or :memory: (default ./mosaic-telemetry-dev.db)
  --api-key <hex>       pin the API key (64 hex characters) instead of the generated one
  --instance-id <uuid>  pin the instance id bound to the key
  --no-rate-limit       switch the per-key rate limit off (bulk imports, benchmarks)
  --otlp-grpc-port <n|off>
                        port of the embedded bridge's OTLP/gRPC listener (the OTLP/HTTP routes
                        share --port), 0 for a free one, off for none (default 4317, OTLP/gRPC's
                        own port; when 4317 is taken the server starts without gRPC and says so)
  -v, --version         print the version
  -h, --help            show this help
`;

/** Exit code of a command-line usage error. */
const EXIT_USAGE = 2;
const API_KEY = /^[0-9a-fA-F]{64}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface CliOptions {
  port: number;
  host: string;
  allowedHosts: string[];
  dbPath: string;
  apiKey: string | undefined;
  instanceId: string | undefined;
  rateLimit: boolean;
  /** The OTLP/gRPC port, false for none; `grpcDefault` when the flag was not given. */
  grpcPort: number | false;
  grpcDefault: boolean;
}

/** OTLP/gRPC's own port, the embedded bridge's gRPC listener's default. */
const DEFAULT_GRPC_PORT = 4317;

/** Any long hex run, such as an API key pasted into the wrong flag, is never echoed. */
const redact = (text: string): string =>
  text.replace(/[0-9a-fA-F]{32,}/g, (hex) => `<${hex.length} hex characters, not shown>`);

function usageError(message: string): never {
  console.error(`mosaic-telemetry-devserver: ${redact(message)}\n\n${USAGE}`);
  process.exit(EXIT_USAGE);
}

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

function parseCli(argv: string[]): CliOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '8931' },
        host: { type: 'string', default: '127.0.0.1' },
        'allowed-host': { type: 'string', multiple: true, default: [] },
        db: { type: 'string', default: './mosaic-telemetry-dev.db' },
        'api-key': { type: 'string' },
        'instance-id': { type: 'string' },
        'no-rate-limit': { type: 'boolean', default: false },
        'otlp-grpc-port': { type: 'string' },
        version: { type: 'boolean', short: 'v', default: false },
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
  if (values.version) {
    console.log(version());
    process.exit(0);
  }
  const portText = String(values.port ?? '');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    usageError(`--port must be an integer from 0 to 65535, got "${portText}"`);
  }
  const grpcText = values['otlp-grpc-port'] as string | undefined;
  const grpcPort = grpcText === undefined ? DEFAULT_GRPC_PORT : Number(grpcText);
  if (
    grpcText !== undefined &&
    grpcText !== 'off' &&
    (!/^\d+$/.test(grpcText) || grpcPort > 65_535)
  ) {
    usageError(`--otlp-grpc-port must be an integer from 0 to 65535 or off, got "${grpcText}"`);
  }
  const host = values.host as string;
  const dbPath = values.db as string;
  if (!host) usageError('--host must not be empty');
  if (!dbPath) usageError('--db must not be empty');
  const allowedHosts = values['allowed-host'] as string[];
  for (const name of allowedHosts) {
    // The value is not echoed: it may be a key pasted into the wrong place.
    if (hostName(name.replace(/^\./, '')) === undefined) {
      usageError(
        `--allowed-host must be a host name or address (got ${name.length} characters that are not one)`,
      );
    }
  }
  const apiKey = values['api-key'] as string | undefined;
  // The value is never echoed: it may be a real key pasted into the wrong place.
  if (apiKey !== undefined && !API_KEY.test(apiKey)) {
    usageError(`--api-key must be 64 hexadecimal characters (got ${apiKey.length} characters)`);
  }
  const instanceId = values['instance-id'] as string | undefined;
  if (instanceId !== undefined && !UUID.test(instanceId)) {
    usageError(
      `--instance-id must be a UUID like 123e4567-e89b-42d3-a456-426614174000, got "${instanceId}"`,
    );
  }
  return {
    port,
    host,
    allowedHosts,
    dbPath,
    apiKey,
    instanceId,
    rateLimit: values['no-rate-limit'] !== true,
    grpcPort: grpcText === 'off' ? false : grpcPort,
    grpcDefault: grpcText === undefined,
  };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const start = (grpcPort: number | false) =>
    startDevServer({
      port: options.port,
      host: options.host,
      allowedHosts: options.allowedHosts,
      dbPath: options.dbPath,
      ...(options.apiKey && { apiKey: options.apiKey.toLowerCase() }),
      ...(options.instanceId && { instanceId: options.instanceId.toLowerCase() }),
      ...(!options.rateLimit && { rateLimit: false as const }),
      ...(grpcPort !== false && { otlp: { grpcPort } }),
    });
  let server: Awaited<ReturnType<typeof startDevServer>>;
  let grpcOff = options.grpcPort === false ? 'off (--otlp-grpc-port off)' : undefined;
  try {
    server = await start(options.grpcPort);
  } catch (error) {
    // Port 4317 taken by default (a bridge or Collector already there) is no reason not to start:
    // without gRPC, said in the banner. A port asked for, or any other failure, stops here.
    if (!options.grpcDefault) throw error;
    server = await start(false);
    grpcOff = `off (port ${DEFAULT_GRPC_PORT} is taken; pass --otlp-grpc-port <n>)`;
    console.error(
      `mosaic-telemetry-devserver: warning: no OTLP/gRPC listener: ${redact((error as Error).message)}`,
    );
  }
  // Handlers first: whoever reads the banner may signal at once.
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
  const banner = startupBanner({
    host: options.host,
    url: server.url,
    webUrl: server.webUrl,
    apiKey: server.apiKey,
    instanceId: server.instanceId,
    dbPath: options.dbPath,
    rateLimited: options.rateLimit,
    otlpGrpcUrl: server.otlpGrpcUrl,
    ...(grpcOff !== undefined && { otlpGrpcOff: grpcOff }),
  });
  if (banner.warning) console.error(banner.warning);
  console.log(banner.text);
}

main().catch((error: unknown) => {
  console.error(`mosaic-telemetry-devserver: ${redact((error as Error).message)}`);
  process.exit(1);
});

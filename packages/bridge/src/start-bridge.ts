import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BridgeInternals, createBridgeRuntime } from './receiver/bridge-runtime.js';
import { otlpHandlerOf } from './receiver/create-otlp-handler.js';
import type { OtlpGrpcListener } from './receiver/grpc-receiver.js';
import { urlHost } from './receiver/url-host.js';
import { writeStatus } from './receiver/write-otlp-response.js';
import { MEMORY_SPOOL } from './spool/memory-spool.js';
import { openSqliteSpool } from './spool/open-sqlite-spool.js';
import { SpoolOpenError } from './spool/spool-open-error.js';
import type { TaskSpool } from './spool/task-spool.js';
import type { Bridge, BridgeOptions } from './types.js';

/** The OTLP/HTTP port (https://opentelemetry.io/docs/specs/otlp/#otlphttp-default-port). */
const DEFAULT_PORT = 4318;
/** The OTLP/gRPC port (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc-default-port). */
const DEFAULT_GRPC_PORT = 4317;
/** Default of `spoolMaxBytes`: 256 MiB, about 100,000 open tasks or undelivered events. */
const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;

/** The spool `options` ask for: SQLite in `spoolDir`, else memory only. */
async function openSpool(options: BridgeOptions): Promise<TaskSpool> {
  const dir = options.spoolDir ?? false;
  if (dir === false) return MEMORY_SPOOL;
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new SpoolOpenError(
      'spoolDir must be a folder path, or false to keep everything in memory',
    );
  }
  const max = options.spoolMaxBytes;
  const maxBytes =
    typeof max === 'number' && Number.isFinite(max) && max >= 1
      ? Math.floor(max)
      : DEFAULT_SPOOL_MAX_BYTES;
  return openSqliteSpool(dir, maxBytes);
}

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

/**
 * Starts an OTLP/HTTP receiver (and an OTLP/gRPC one on `grpcPort`) that turns what AI coding CLIs and agents export into Mosaic task
 * events; resolves once it listens.
 *
 * @example
 * ```ts
 * import { startBridge } from '@mosaicstack/telemetry-bridge';
 *
 * // Upstream from MOSAIC_TELEMETRY_SERVER_URL, _API_KEY and _INSTANCE_ID, or `telemetry: {...}`.
 * const bridge = await startBridge({ port: 4318, defaults: { taskType: 'implementation' } });
 * // Point a CLI at it: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 (gRPC: bridge.grpcUrl, 4317)
 * process.once('SIGTERM', () => void bridge.close()); // reports finished tasks, delivers them
 * ```
 */
export async function startBridge(
  options: BridgeOptions = {},
  internals: BridgeInternals = {},
): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const spool = await openSpool(options);
  const handler = otlpHandlerOf(createBridgeRuntime(options, internals, spool));
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      req.resume();
      writeStatus(
        res,
        404,
        'json',
        'not found: the bridge answers POST /v1/traces, /v1/logs, /v1/metrics and GET /health',
      );
    }
  });
  server.keepAliveTimeout = 30_000;
  const port = options.port ?? DEFAULT_PORT;
  const grpcPort = options.grpcPort ?? (port === 0 ? 0 : DEFAULT_GRPC_PORT);
  let grpc: OtlpGrpcListener | undefined;
  try {
    await listen(server, port, host);
    if (grpcPort !== false) grpc = await handler.listenGrpc(grpcPort, host);
  } catch (error) {
    await new Promise<void>((resolve) =>
      server.listening ? server.close(() => resolve()) : resolve(),
    );
    await handler.close();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    grpcUrl: grpc?.url,
    close: () => {
      closed ??= (async () => {
        // Graceful first: no new connections or calls, those in progress are answered.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const grpcStopped = grpc?.close();
        server.closeIdleConnections();
        await handler.close();
        // Then forced: whatever is still open is cut once every task is delivered.
        server.closeAllConnections();
        grpc?.destroy();
        await Promise.all([stopped, grpcStopped]);
      })().catch(() => undefined);
      return closed;
    },
    get stats() {
      return handler.stats;
    },
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BridgeInternals } from './receiver/bridge-runtime.js';
import { createOtlpHandler } from './receiver/create-otlp-handler.js';
import { writeStatus } from './receiver/write-otlp-response.js';
import type { Bridge, BridgeOptions } from './types.js';

/** The OTLP/HTTP port (https://opentelemetry.io/docs/specs/otlp/#otlphttp-default-port). */
const DEFAULT_PORT = 4318;

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * Starts an OTLP/HTTP receiver that turns what AI coding CLIs and agents export into Mosaic task
 * events; resolves once it listens.
 *
 * @example
 * ```ts
 * import { startBridge } from '@mosaicstack/telemetry-bridge';
 *
 * // Upstream from MOSAIC_TELEMETRY_SERVER_URL, _API_KEY and _INSTANCE_ID, or `telemetry: {...}`.
 * const bridge = await startBridge({ port: 4318, defaults: { taskType: 'implementation' } });
 * // Point a CLI at it: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * process.once('SIGTERM', () => void bridge.close()); // closes open tasks and delivers them
 * ```
 */
export async function startBridge(
  options: BridgeOptions = {},
  internals: BridgeInternals = {},
): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const handler = createOtlpHandler(options, internals);
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
  try {
    await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await handler.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    close: () => {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await handler.close();
        server.closeAllConnections();
        await stopped;
      })().catch(() => undefined);
      return closed;
    },
    get stats() {
      return handler.stats;
    },
  };
}

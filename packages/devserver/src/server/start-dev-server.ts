// server/: the process: start and stop, wire the parts, route each request, serve the web view.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OtlpGrpcListener, OtlpHandler } from '@mosaicstack/telemetry-bridge';
import { CredentialRegistry } from '../access/credential-registry.js';
import { resolveCredentials } from '../access/resolve-credentials.js';
import { TokenBucketLimiter } from '../access/token-bucket-limiter.js';
import { errorReply, sendJson } from '../api/send-json.js';
import type { ServerContext } from '../api/server-context.js';
import { FaultInjector } from '../faults/fault-injector.js';
import { isOtlpPath, mountOtlp } from '../otlp/mount-otlp.js';
import { urlHost } from '../otlp/url-host.js';
import { PredictionCache } from '../predictions/prediction-cache.js';
import { EventStore } from '../store/event-store.js';
import { IdleFolder } from '../store/idle-folder.js';
import type { DevServer, DevServerOptions } from '../types.js';
import { createHostCheck, hostName } from './create-host-check.js';
import { createRequestHandler } from './create-request-handler.js';
import { isLoopbackHost } from './is-loopback-host.js';

const DEFAULT_RATE_LIMIT = { capacity: 200, refillPerSecond: 50 };
const DEFAULT_PREDICTION_CACHE_TTL_MS = 60_000;
const DEFAULT_PREDICTION_CACHE_MAX_ENTRIES = 1_000;

/** The 403 answer to a request whose `Host` is not a name of this server. */
function refuseHost(res: ServerResponse, header: string | undefined): void {
  const message =
    header === undefined
      ? 'no Host header: this server answers only requests addressed to it (localhost, a loopback address or an allowed host)'
      : `Host ${JSON.stringify(header.slice(0, 100))} is not a name of this server (it answers localhost, loopback addresses and its allowed hosts, which keeps other web pages out by DNS rebinding); to reach it by that name, start it with --allowed-host ${hostName(header) ?? '<name>'} (option allowedHosts)`;
  sendJson(res, errorReply(403, message));
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
 * Starts a local Telemetry API v1 server backed by SQLite (with OTLP routes and a web view);
 * resolves once it listens.
 *
 * @example
 * ```ts
 * import { startDevServer } from '@mosaicstack/telemetry-devserver';
 *
 * const server = await startDevServer({ port: 0, dbPath: ':memory:' });
 * process.env.MOSAIC_TELEMETRY_SERVER_URL = server.url;
 * process.env.MOSAIC_TELEMETRY_API_KEY = server.apiKey;
 * process.env.MOSAIC_TELEMETRY_INSTANCE_ID = server.instanceId;
 * // ... record tasks, then read them back
 * console.log(server.listEvents().length, 'tasks; web view at', server.webUrl);
 * await server.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new EventStore(options.dbPath ?? ':memory:');
  const lifetime = new AbortController();
  let ctx: ServerContext;
  let main: { apiKey: string; instanceId: string };
  let server: Server;
  let otlp: OtlpHandler | undefined;
  try {
    main = resolveCredentials(store, options);
    const credentials = new CredentialRegistry();
    credentials.add(main.apiKey, main.instanceId);
    const rateLimit = options.rateLimit;
    ctx = {
      store,
      credentials,
      main,
      limiter:
        rateLimit === false
          ? undefined
          : new TokenBucketLimiter({ ...DEFAULT_RATE_LIMIT, ...rateLimit }),
      faults: new FaultInjector(),
      cache: new PredictionCache({
        ttlMs: options.predictionCacheTtlMs ?? DEFAULT_PREDICTION_CACHE_TTL_MS,
        maxEntries: options.predictionCacheMaxEntries ?? DEFAULT_PREDICTION_CACHE_MAX_ENTRIES,
      }),
      folder: new IdleFolder(store),
      requireAuth: options.requireKeyForReads ?? !isLoopbackHost(host),
      stats: { requests: 0, eventsAccepted: 0, eventsRejected: 0 },
      closing: lifetime.signal,
    };
    const handler = createRequestHandler(ctx);
    const hostAllowed = createHostCheck({
      host,
      ...(options.allowedHosts && { allowedHosts: options.allowedHosts }),
    });
    server = createServer((req, res) => {
      // Every route, OTLP included, before anything is read or stored.
      if (!hostAllowed(req.headers.host)) {
        req.resume();
        refuseHost(res, req.headers.host);
        return;
      }
      if (otlp !== undefined && isOtlpPath(req.url) && otlp(req, res)) return;
      handler(req, res);
    });
    await listen(server, options.port ?? 0, host);
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  // Mounted once the port is known: the bridge delivers the tasks it recognises to this server's
  // own v1 route, through the exporter's delivery, as a bridge in front of a real server would.
  let grpc: OtlpGrpcListener | undefined;
  if (options.otlp !== false) {
    otlp = mountOtlp(port, host, main, options.otlp ?? {});
  }

  const shutdown = async (): Promise<void> => {
    // Open OTLP tasks are closed and delivered while the v1 route still answers; gRPC calls in
    // progress are answered first, then whatever is left of them is cut.
    const grpcStopped = grpc?.close();
    await otlp?.close();
    grpc?.destroy();
    await grpcStopped;
    lifetime.abort();
    ctx.faults.clear();
    ctx.folder.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    store.close();
  };
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= shutdown();
    return closed;
  };

  const grpcPort = options.otlp === false ? undefined : options.otlp?.grpcPort;
  if (otlp !== undefined && grpcPort !== undefined) {
    try {
      grpc = await otlp.listenGrpc(grpcPort, host);
    } catch (error) {
      await close();
      throw error;
    }
  }

  return {
    url: `http://${urlHost(host)}:${port}`,
    webUrl: `http://${urlHost(host)}:${port}/`,
    apiKey: main.apiKey,
    instanceId: main.instanceId,
    addInstance: (apiKey, instanceId) => ctx.credentials.add(apiKey, instanceId),
    faults: ctx.faults,
    listEvents: () => store.list(),
    countEvents: () => store.count(),
    stats: ctx.stats,
    otlpGrpcUrl: grpc?.url,
    get otlpStats() {
      return otlp?.stats;
    },
    close,
  };
}

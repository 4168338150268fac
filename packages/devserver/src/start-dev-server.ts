import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './create-request-handler.js';
import { CredentialRegistry } from './credential-registry.js';
import { EventStore } from './event-store.js';
import { FaultInjector } from './fault-injector.js';
import { IdleFolder } from './idle-folder.js';
import { isLoopbackHost } from './is-loopback-host.js';
import { PredictionCache } from './prediction-cache.js';
import { resolveCredentials } from './resolve-credentials.js';
import type { ServerContext } from './server-context.js';
import { TokenBucketLimiter } from './token-bucket-limiter.js';
import type { DevServer, DevServerOptions } from './types.js';

const DEFAULT_RATE_LIMIT = { capacity: 200, refillPerSecond: 50 };
const DEFAULT_PREDICTION_CACHE_TTL_MS = 60_000;
const DEFAULT_PREDICTION_CACHE_MAX_ENTRIES = 1_000;

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** Starts a local Telemetry API v1 server backed by SQLite; resolves once it listens. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new EventStore(options.dbPath ?? ':memory:');
  const lifetime = new AbortController();
  let ctx: ServerContext;
  let main: { apiKey: string; instanceId: string };
  let server: Server;
  try {
    main = resolveCredentials(store, options);
    const credentials = new CredentialRegistry();
    credentials.add(main.apiKey, main.instanceId);
    const rateLimit = options.rateLimit;
    ctx = {
      store,
      credentials,
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
    server = createServer(createRequestHandler(ctx));
    await listen(server, options.port ?? 0, host);
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      lifetime.abort();
      ctx.faults.clear();
      ctx.folder.stop();
      server.close(() => {
        store.close();
        resolve();
      });
      server.closeAllConnections();
    });
    return closed;
  };

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
    close,
  };
}

import type { CredentialRegistry } from './credential-registry.js';
import type { EventStore } from './event-store.js';
import type { FaultInjector } from './fault-injector.js';
import type { PredictionCache } from './prediction-cache.js';
import type { TokenBucketLimiter } from './token-bucket-limiter.js';
import type { DevServerStats } from './types.js';

/** Everything a request handler needs, owned by one running server. */
export interface ServerContext {
  store: EventStore;
  credentials: CredentialRegistry;
  limiter: TokenBucketLimiter | undefined;
  faults: FaultInjector;
  cache: PredictionCache;
  stats: DevServerStats;
  /** Aborted when the server closes: pending work stops touching the database. */
  closing: AbortSignal;
}

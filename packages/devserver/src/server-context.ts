import type { CredentialRegistry } from './credential-registry.js';
import type { EventStore } from './event-store.js';
import type { FaultInjector } from './fault-injector.js';
import type { IdleFolder } from './idle-folder.js';
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
  /** Folds stored events into the aggregates while ingest pauses. */
  folder: IdleFolder;
  /** True when listening beyond loopback: the web view's JSON routes need the Bearer key too. */
  requireAuth: boolean;
  /** Aborted when the server closes: pending work stops touching the database. */
  closing: AbortSignal;
}

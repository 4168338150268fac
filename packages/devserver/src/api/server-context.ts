// api/: the HTTP routes (v1 POST checks, both v1 batches, web view reads) and their context.
import type { CredentialRegistry } from '../access/credential-registry.js';
import type { TokenBucketLimiter } from '../access/token-bucket-limiter.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { PredictionCache } from '../predictions/prediction-cache.js';
import type { EventStore } from '../store/event-store.js';
import type { IdleFolder } from '../store/idle-folder.js';
import type { DevServerStats } from '../types.js';

/** Everything a request handler needs, owned by one running server. */
export interface ServerContext {
  store: EventStore;
  credentials: CredentialRegistry;
  /** The server's own key and instance id (the ones the CLI prints). */
  main: { apiKey: string; instanceId: string };
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

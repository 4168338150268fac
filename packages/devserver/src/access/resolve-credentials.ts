import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store.js';
import type { DevServerOptions } from '../types.js';

/**
 * The server's main key and instance id: the explicit options, else the pair generated on the
 * first start (64 lowercase hex key, UUID v4) and kept in the database's meta table.
 */
export function resolveCredentials(
  store: EventStore,
  options: Pick<DevServerOptions, 'apiKey' | 'instanceId'>,
): { apiKey: string; instanceId: string } {
  return {
    apiKey:
      options.apiKey ?? store.getOrCreateMeta('api_key', () => randomBytes(32).toString('hex')),
    instanceId: options.instanceId ?? store.getOrCreateMeta('instance_id', () => randomUUID()),
  };
}

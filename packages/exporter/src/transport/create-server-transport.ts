import type { ResolvedMosaicConfig } from '../types.js';
import { USER_AGENT } from '../version.js';
import { createHttpTransport, type Transport } from './http-transport.js';
import { createRetryingTransport } from './retrying-transport.js';

/**
 * The transport to a config's server, with retries: the one place both the event delivery and
 * the predictions helper build it. `baseDelayMs` overrides the first backoff ceiling.
 */
export function createServerTransport(
  config: Pick<ResolvedMosaicConfig, 'serverUrl' | 'apiKey' | 'requestTimeoutMs' | 'maxRetries'>,
  baseDelayMs?: number,
): Transport {
  const http = createHttpTransport({
    serverUrl: config.serverUrl,
    apiKey: config.apiKey,
    userAgent: USER_AGENT,
    timeoutMs: config.requestTimeoutMs,
  });
  return createRetryingTransport(http, {
    maxRetries: config.maxRetries,
    timeoutMs: config.requestTimeoutMs,
    ...(baseDelayMs === undefined ? {} : { baseDelayMs }),
  });
}

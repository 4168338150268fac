// otlp/: the embedded OTLP/HTTP bridge; it delivers the tasks it recognises to our own v1 route.
import { createOtlpHandler, type OtlpHandler } from '@mosaicstack/telemetry-bridge';
import type { DevServerOtlpOptions } from '../types.js';
import { urlHost } from './url-host.js';

const OTLP_PATHS: ReadonlySet<string> = new Set(['/v1/traces', '/v1/logs', '/v1/metrics']);

/** Whether a request target is one of the OTLP/HTTP routes (query string ignored). */
export function isOtlpPath(url: string | undefined): boolean {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return OTLP_PATHS.has(q === -1 ? target : target.slice(0, q));
}

const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/**
 * The devserver's embedded OTLP bridge: tasks it recognises are delivered to this server's own
 * `POST /v1/events/batch` with its main key (over loopback when it listens on every address).
 * Plain http is allowed because the upstream is this very process.
 */
export function mountOtlp(
  port: number,
  host: string,
  credentials: { apiKey: string; instanceId: string },
  options: DevServerOtlpOptions,
): OtlpHandler {
  const self = urlHost(WILDCARDS.has(host) ? (host === '::' ? '::1' : '127.0.0.1') : host);
  return createOtlpHandler({
    ...(options.taskIdleMs === undefined ? {} : { taskIdleMs: options.taskIdleMs }),
    ...(options.defaults === undefined ? {} : { defaults: options.defaults }),
    telemetry: {
      enabled: true,
      serverUrl: `http://${self}:${port}`,
      apiKey: credentials.apiKey,
      instanceId: credentials.instanceId,
      allowInsecure: true,
    },
  });
}

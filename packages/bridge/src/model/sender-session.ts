import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';

/**
 * The resource keys a sender's session is told by (and the digest, without a session id, is
 * taken of): every signal's decoding keeps them, so spans, logs and metrics of one process agree.
 */
export const SENDER_SESSION_RESOURCE_KEYS: readonly string[] = [
  'session.id',
  'service.instance.id',
  'service.name',
  'service.version',
  'host.name',
  'process.pid',
];

/**
 * The session of a sender whose record names none: the resource's `session.id`, else its
 * `service.instance.id`, else the resource itself (a digest of its attributes: one process of one
 * tool on one host, as Continue CLI sends it).
 */
export function senderSession(resource: Attributes): string {
  for (const key of ['session.id', 'service.instance.id']) {
    const value = resource[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  const canonical = JSON.stringify(
    Object.keys(resource)
      .sort()
      .map((k) => [k, resource[k]]),
  );
  return `resource:${createHash('sha256').update(canonical).digest('base64url').slice(0, 22)}`;
}

/**
 * The key by which a metrics-derived task knows that spans or logs of the same sender session
 * made a task already (see `MetricTaskReader`).
 */
export const sessionCoverKey = (sessionId: string): string => `session\u0000${sessionId}`;

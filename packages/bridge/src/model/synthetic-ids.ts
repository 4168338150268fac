import { createHash } from 'node:crypto';

/**
 * Deterministic trace and span ids for a task known by (source, session id, prompt id), not by a
 * span: SHA-256 of the three, cut to 32 and 16 hex digits. The same prompt exported again, or
 * after a bridge restart, gets the same event id.
 */
export function syntheticIds(
  source: string,
  sessionId: string,
  promptId: string,
): { traceId: string; spanId: string } {
  const hex = createHash('sha256')
    .update(`${source}\u0000${sessionId}\u0000${promptId}`)
    .digest('hex');
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

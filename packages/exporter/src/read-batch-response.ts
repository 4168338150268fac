import type { BatchEventResponse } from '@mosaicstack/telemetry-semconv';

/** What a 200 answer to a batch says, per event id. */
export interface BatchVerdict {
  accepted: number;
  /** Rejected as duplicates: already delivered earlier, so they count as delivered. */
  duplicates: number;
  /** Rejected for any other reason, with the server's reasons. */
  rejected: Array<{ eventId: string; error: string }>;
}

/**
 * Reads a partial-success response. Returns undefined when the body is not a well-formed v1
 * answer about exactly the events sent (then the caller cannot know what was stored and must
 * resend; duplicate checks make that safe).
 */
export function readBatchResponse(
  body: string,
  sentIds: readonly string[],
): BatchVerdict | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const results = (parsed as Partial<BatchEventResponse> | null)?.results;
  if (!Array.isArray(results) || results.length !== sentIds.length) return undefined;
  const verdict: BatchVerdict = { accepted: 0, duplicates: 0, rejected: [] };
  for (const result of results as unknown[]) {
    if (typeof result !== 'object' || result === null) return undefined;
    const { status, error, event_id } = result as Record<string, unknown>;
    if (status === 'accepted') verdict.accepted++;
    else if (status === 'rejected') {
      const reason = typeof error === 'string' ? error : 'rejected';
      if (/duplicate/i.test(reason)) verdict.duplicates++;
      else verdict.rejected.push({ eventId: String(event_id), error: reason });
    } else return undefined;
  }
  return verdict;
}

import type { BatchEventResponse } from '@mosaicstack/telemetry-semconv';

/** What a 200 answer to a batch says, per event id. */
export interface BatchVerdict {
  accepted: number;
  /** Rejected as duplicates: already delivered earlier, so they count as delivered. */
  duplicates: number;
  /** Rejected for any other reason, with the server's reasons. */
  rejected: Array<{ eventId: string; error: string }>;
}

/** How a compact answer accepting everything begins (keys in the order the API documents). */
const ALL_ACCEPTED_HEAD = /^\{"accepted":(\d+),"rejected":0,"results":\[/;

/**
 * Whether `body` is the usual answer, all of `sent` events accepted, by its counts alone: the
 * protocol's counts say as much as the results (parsing a 100-result answer costs more than all
 * the rest of reading it). Any other shape or spacing goes through the full parse.
 */
function acceptsAll(body: string, sent: number): boolean {
  const head = ALL_ACCEPTED_HEAD.exec(body);
  return head !== null && Number(head[1]) === sent && body.endsWith(']}');
}

/**
 * Reads a partial-success response to a batch of `sent` events. Returns undefined when the body is
 * not a well-formed v1 answer about exactly that many events (then the caller cannot know what was
 * stored and must resend; duplicate checks make that safe).
 */
export function readBatchResponse(body: string, sent: number): BatchVerdict | undefined {
  if (acceptsAll(body, sent)) return { accepted: sent, duplicates: 0, rejected: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const results = (parsed as Partial<BatchEventResponse> | null)?.results;
  if (!Array.isArray(results) || results.length !== sent) return undefined;
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

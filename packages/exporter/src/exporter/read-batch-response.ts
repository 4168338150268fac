/** What a 200 answer to a batch says, per event id. */
export interface BatchVerdict {
  accepted: number;
  /** Rejected as duplicates: already delivered earlier, so they count as delivered. */
  duplicates: number;
  /** Rejected for any other reason, with the server's reasons. */
  rejected: Array<{ eventId: string; error: string }>;
}

type Sent = readonly { readonly event_id: string }[];

const RESULT_OPEN = '{"event_id":"';
const ACCEPTED = '","status":"accepted"}';
const ACCEPTED_NULL_ERROR = '","status":"accepted","error":null}';

/**
 * Whether `body` is, character for character, the compact answer accepting every sent event in
 * order (with `"error":null` in each result or in none): then it says no more than its counts.
 * Any other text goes through the full parse. Kept for bench (b) "CPU per exported task span":
 * comparing with the expected text costs a fraction of parsing a 100-result answer.
 */
function acceptsAll(body: string, sent: Sent): boolean {
  const head = `{"accepted":${sent.length},"rejected":0,"results":[`;
  let ids = 0;
  for (const event of sent) ids += event.event_id.length;
  // Head, each result's opening, id and separating comma, and the closing `]}`.
  const fixed = head.length + sent.length * (RESULT_OPEN.length + 1) + ids + 1;
  let tail: string;
  if (body.length === fixed + sent.length * ACCEPTED.length) tail = ACCEPTED;
  else if (body.length === fixed + sent.length * ACCEPTED_NULL_ERROR.length) {
    tail = ACCEPTED_NULL_ERROR;
  } else return false;
  let expected = head;
  for (let i = 0; i < sent.length; i++) {
    expected += `${i === 0 ? '' : ','}${RESULT_OPEN}${(sent[i] as { event_id: string }).event_id}${tail}`;
  }
  return body === `${expected}]}`;
}

/**
 * Reads a partial-success response to the `sent` events. Returns undefined unless the body is a
 * well-typed v1 answer about exactly those events: JSON, counts that are integers matching the
 * results, one result per sent event naming it, each `accepted` or `rejected` with a string or
 * null error. Then the caller cannot know what was stored and must resend (ids make that safe).
 * Never throws, whatever the body holds.
 */
export function readBatchResponse(body: string, sent: Sent): BatchVerdict | undefined {
  if (acceptsAll(body, sent)) return { accepted: sent.length, duplicates: 0, rejected: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { accepted, rejected, results } = parsed as Record<string, unknown>;
  if (!Array.isArray(results) || results.length !== sent.length) return undefined;
  if (!isCount(accepted) || !isCount(rejected) || accepted + rejected !== sent.length) {
    return undefined;
  }
  const expected = new Set<string>();
  for (const event of sent) expected.add(event.event_id);
  const verdict: BatchVerdict = { accepted: 0, duplicates: 0, rejected: [] };
  for (const result of results as unknown[]) {
    if (typeof result !== 'object' || result === null) return undefined;
    const { status, error, event_id } = result as Record<string, unknown>;
    if (typeof event_id !== 'string' || !expected.delete(event_id)) return undefined;
    if (error !== undefined && error !== null && typeof error !== 'string') return undefined;
    if (status === 'accepted') verdict.accepted++;
    else if (status === 'rejected') {
      const reason = typeof error === 'string' ? error : 'rejected';
      if (/duplicate/i.test(reason)) verdict.duplicates++;
      else verdict.rejected.push({ eventId: event_id, error: reason.slice(0, 500) });
    } else return undefined;
  }
  if (verdict.accepted !== accepted) return undefined;
  return verdict;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

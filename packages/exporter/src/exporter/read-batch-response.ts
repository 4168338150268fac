/** What a 200 answer to a batch says, per event id. */
export interface BatchVerdict {
  accepted: number;
  /** Rejected as duplicates: already delivered earlier, so they count as delivered. */
  duplicates: number;
  /** Rejected for any other reason, with the server's reasons. */
  rejected: Array<{ eventId: string; error: string }>;
}

type Sent = readonly { readonly event_id: string }[];

const COMPACT_HEAD = /^\{"accepted":(\d+),"rejected":0,"results":\[/y;
/** One compact accepted result, as the server writes it (`error` null or left out). */
const COMPACT_RESULT = /\{"event_id":"([0-9a-f-]{36})","status":"accepted"(?:,"error":null)?\}/y;

/**
 * Reads the usual answer, every event accepted in compact JSON, by scanning it: each result must
 * name the sent event at its position, and nothing may follow the closing `]}`. Undefined for any
 * other text (then the full parse decides). Kept for bench (b) "CPU per exported task span": a
 * JSON.parse of a 100-result answer costs a sizeable share of exporting.
 */
function acceptsAll(body: string, sent: Sent): boolean {
  COMPACT_HEAD.lastIndex = 0;
  const head = COMPACT_HEAD.exec(body);
  if (head === null || Number(head[1]) !== sent.length) return false;
  let at = COMPACT_HEAD.lastIndex;
  for (let i = 0; i < sent.length; i++) {
    if (i > 0) {
      if (body.charCodeAt(at) !== 44) return false; // ','
      at++;
    }
    COMPACT_RESULT.lastIndex = at;
    const result = COMPACT_RESULT.exec(body);
    if (result === null || result[1] !== sent[i]?.event_id) return false;
    at = COMPACT_RESULT.lastIndex;
  }
  return body.length === at + 2 && body.endsWith(']}');
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

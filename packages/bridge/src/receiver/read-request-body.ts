import type { IncomingMessage } from 'node:http';
import { gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';
import { INFLIGHT_REASONS, type InflightBudget, type InflightRefusal } from './inflight-budget.js';

/**
 * A read body, or the status and reason to refuse it with: 429 (`inflight`: the cap it passed)
 * and 503 (`stalled`: the body stopped arriving, cut rather than drained) are retryable.
 */
export type BodyResult =
  | { ok: true; body: Buffer }
  | {
      ok: false;
      status: 400 | 413 | 429 | 503;
      reason: string;
      inflight?: InflightRefusal;
      stalled?: boolean;
    };

/** Where a body's bytes are counted while it is read, and how long it may send nothing. */
export interface BodyIntake {
  readonly budget: InflightBudget;
  /** The client address the bytes count against. */
  readonly client: string;
  /** A body that sends nothing for this long is cut. */
  readonly timeoutMs: number;
}

/** Bodies up to this size are decompressed on the spot: the thread pool costs more than it saves. */
const SYNC_UNZIP_MAX_BYTES = 256 * 1024;

function unzipSync(gzip: boolean, data: Buffer, maxBytes: number): BodyResult {
  try {
    const body = (gzip ? gunzipSync : inflateSync)(data, { maxOutputLength: maxBytes });
    return { ok: true, body };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, status: 413, reason: `the decompressed body exceeds ${maxBytes} bytes` };
    }
    return { ok: false, status: 400, reason: 'the body is not valid for its Content-Encoding' };
  }
}

const unzip = (fn: typeof gunzip, data: Buffer, maxBytes: number): Promise<BodyResult> =>
  new Promise((resolve) => {
    fn(data, { maxOutputLength: maxBytes }, (error, out) => {
      if (error === null) resolve({ ok: true, body: out });
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        resolve({
          ok: false,
          status: 413,
          reason: `the decompressed body exceeds ${maxBytes} bytes`,
        });
      } else
        resolve({
          ok: false,
          status: 400,
          reason: 'the body is not valid for its Content-Encoding',
        });
    });
  });

/**
 * Reads a request body of at most `maxBytes` (compressed, and again after decompression) and
 * undoes `gzip` or `deflate`. Its bytes count against `intake.budget` as they arrive, and are
 * given back once it is read or refused: past a cap, 429; nothing for `intake.timeoutMs`, 503
 * (stalled). Never rejects: a broken stream is a 400.
 */
export function readRequestBody(
  req: IncomingMessage,
  encoding: 'gzip' | 'deflate' | 'identity',
  maxBytes: number,
  intake: BodyIntake,
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let taken = 0;
    let done = false;
    const timer = setTimeout(() => {
      const seconds = intake.timeoutMs / 1000;
      finish({
        ok: false,
        status: 503,
        reason: `the request body sent nothing for ${seconds} s and was cut: retry`,
        stalled: true,
      });
    }, intake.timeoutMs);
    const finish = (result: BodyResult | Promise<BodyResult>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      chunks.length = 0;
      intake.budget.give(intake.client, taken);
      taken = 0;
      void Promise.resolve(result).then(resolve);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      timer.refresh();
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, reason: `the body exceeds ${maxBytes} bytes` });
        req.resume();
        return;
      }
      const refused = intake.budget.take(intake.client, chunk.length);
      if (refused !== undefined) {
        finish({ ok: false, status: 429, reason: INFLIGHT_REASONS[refused], inflight: refused });
        req.resume();
        return;
      }
      taken += chunk.length;
      chunks.push(chunk);
    });
    req.on('error', () =>
      finish({ ok: false, status: 400, reason: 'the request body could not be read' }),
    );
    req.on('aborted', () => finish({ ok: false, status: 400, reason: 'the request was aborted' }));
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, reason: 'the request was aborted' });
    });
    req.on('end', () => {
      if (done) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      // The bytes are read: the decompression below is bounded by `maxBytes` on its own.
      clearTimeout(timer);
      intake.budget.give(intake.client, taken);
      taken = 0;
      if (encoding === 'identity') finish({ ok: true, body });
      else if (body.length <= SYNC_UNZIP_MAX_BYTES)
        finish(unzipSync(encoding === 'gzip', body, maxBytes));
      else finish(unzip(encoding === 'gzip' ? gunzip : inflate, body, maxBytes));
    });
  });
}

import type { IncomingMessage } from 'node:http';
import { gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';

/** A read body, or the status and reason to refuse it with. */
export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413; reason: string };

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
 * undoes `gzip` or `deflate`. Never rejects: a broken stream is a 400.
 */
export function readRequestBody(
  req: IncomingMessage,
  encoding: 'gzip' | 'deflate' | 'identity',
  maxBytes: number,
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult | Promise<BodyResult>) => {
      if (done) return;
      done = true;
      void Promise.resolve(result).then(resolve);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, reason: `the body exceeds ${maxBytes} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () =>
      finish({ ok: false, status: 400, reason: 'the request body could not be read' }),
    );
    req.on('aborted', () => finish({ ok: false, status: 400, reason: 'the request was aborted' }));
    req.on('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      if (encoding === 'identity') finish({ ok: true, body });
      else if (body.length <= SYNC_UNZIP_MAX_BYTES)
        finish(unzipSync(encoding === 'gzip', body, maxBytes));
      else finish(unzip(encoding === 'gzip' ? gunzip : inflate, body, maxBytes));
    });
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeLogRecords } from '../decode/decode-log-records.js';
import { decodeMetricPoints } from '../decode/decode-metric-points.js';
import { decodeSpans } from '../decode/decode-spans.js';
import { type OtlpEncoding, parseOtlpBody } from '../decode/parse-otlp-body.js';
import type { BudgetRefusal } from '../pipeline/bridge-pipeline.js';
import type { BridgeRuntime } from './bridge-runtime.js';
import { INFLIGHT_REASONS } from './inflight-budget.js';
import type { SignalRoute } from './otlp-signals.js';
import { readRequestBody } from './read-request-body.js';
import { writeExportResponse, writeStatus } from './write-otlp-response.js';

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function compressionOf(header: string | undefined): 'gzip' | 'deflate' | 'identity' | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

/** Answers one OTLP/HTTP export request as the spec says. Never rejects. */
export async function handleExport(
  req: IncomingMessage,
  res: ServerResponse,
  route: SignalRoute,
  rt: BridgeRuntime,
): Promise<void> {
  const refuse = (status: number, encoding: OtlpEncoding, reason: string, retry = false) => {
    rt.counter.refused(status);
    req.resume();
    writeStatus(
      res,
      status,
      encoding,
      reason,
      retry ? { 'Retry-After': String(rt.limits.retryAfterSeconds) } : undefined,
    );
  };
  const client = req.socket.remoteAddress ?? '';
  const encoding = encodingOf(req.headers['content-type']);
  if (encoding === undefined) {
    return refuse(415, 'json', 'Content-Type must be application/x-protobuf or application/json');
  }
  const compression = compressionOf(req.headers['content-encoding']);
  if (compression === undefined) {
    return refuse(415, encoding, 'Content-Encoding must be gzip or none');
  }
  const refusal = rt.pipeline.refusal;
  if (refusal !== undefined) return refuse(503, encoding, `${refusal}: retry later`, true);
  const max = rt.limits.maxBodyBytes;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return refuse(413, encoding, `the body exceeds ${max} bytes`);
  // Bytes count as they arrive (`readRequestBody`), never as declared: a sender that declares
  // 16 MiB and sends one byte holds one byte.
  const full = rt.inflight.admits(client);
  if (full !== undefined) {
    rt.counter.refusedForBudget(full === 'total' ? 'inflightBytes' : 'clientShare');
    return refuse(429, encoding, INFLIGHT_REASONS[full], true);
  }
  const read = await readRequestBody(req, compression, max, {
    budget: rt.inflight,
    client,
    timeoutMs: rt.limits.bodyTimeoutMs,
  });
  if (!read.ok) {
    if (read.stalled === true) {
      rt.counter.refusedForBudget('bodyTimeout');
      // Cut, not drained: a body that stopped arriving would hold its connection.
      res.once('finish', () => req.destroy());
    } else if (read.inflight !== undefined) {
      rt.counter.refusedForBudget(read.inflight === 'total' ? 'inflightBytes' : 'clientShare');
    }
    return refuse(read.status, encoding, read.reason, read.status === 429 || read.status === 503);
  }
  // Records may have arrived while the body was read: the pipeline may be full now.
  const nowFull = rt.pipeline.refusal;
  if (nowFull !== undefined) return refuse(503, encoding, `${nowFull}: retry later`, true);
  const parsed = parseOtlpBody(read.body, encoding, route.request);
  if (!parsed.ok) return refuse(400, encoding, parsed.reason);

  const { rejected, reason, overBudget } = ingestExport(parsed.message, route, rt);
  if (overBudget !== undefined) return refuse(overBudget.status, encoding, overBudget.reason, true);
  writeExportResponse(res, encoding, route.response, route.rejectedField, rejected, reason);
}

/** What an ingested export refused: the count for the partial-success answer, and why. */
export interface IngestResult {
  readonly rejected: number;
  readonly reason: string | undefined;
  /** Set when none of its records were taken, to stay within a byte budget (answer retryable). */
  readonly overBudget?: BudgetRefusal | undefined;
}

/**
 * Decodes one parsed Export*ServiceRequest of `route`'s signal, counts its records and hands them
 * to the pipeline; OTLP/HTTP and OTLP/gRPC both end here.
 */
export function ingestExport(
  message: unknown,
  route: SignalRoute,
  rt: BridgeRuntime,
): IngestResult {
  let rejected = 0;
  let reason: string | undefined;
  if (route.signal === 'traces') {
    const batch = decodeSpans(message, rt.pipeline.spanFilter);
    const overBudget = rt.pipeline.ingestSpans(batch.records, batch.links);
    if (overBudget !== undefined) {
      rt.counter.refusedForBudget(overBudget.status === 429 ? 'taskBytes' : 'heldBytes');
      return { rejected: 0, reason: undefined, overBudget };
    }
    rt.counter.received.spans += batch.records.length + batch.links.length / 3;
    rejected = batch.rejected;
    reason = batch.rejectReason;
  } else if (route.signal === 'logs') {
    const batch = decodeLogRecords(message, rt.pipeline.spanFilter.kept);
    rt.counter.received.logRecords += batch.records.length;
    rt.pipeline.ingestLogs(batch.records);
  } else {
    const batch = decodeMetricPoints(message, rt.pipeline.metricFilter);
    rt.counter.received.dataPoints += batch.dataPoints;
    rt.pipeline.ingestMetrics(batch.records);
  }
  rt.counter.dropped.invalidRecords += rejected;
  return { rejected, reason };
}

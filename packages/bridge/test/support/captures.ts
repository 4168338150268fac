import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OtlpTypes } from '../../src/decode/otlp-root.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/captures/', import.meta.url));

/** One OTLP request of a capture, re-encoded as the CLI sent it. */
export interface CapturedRequest {
  readonly signal: 'traces' | 'logs' | 'metrics';
  readonly contentType: string;
  /** The decoded body as JSON (OTLP/JSON shape, ids as hex). */
  readonly json: Record<string, unknown>;
  /** The body as sent: protobuf re-encoded from the decoded capture, or the JSON itself. */
  readonly body: Buffer;
}

/** One line of a fake API's ground truth. */
export interface GroundTruthLine {
  readonly n: number;
  readonly model?: string;
  readonly kind: string;
  readonly status?: number;
  readonly usage?: Record<string, unknown>;
  readonly usageMetadata?: Record<string, number>;
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** The decoded JSON with hex ids as bytes, as protobufjs `fromObject` wants them. */
function withByteIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withByteIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = ID_KEYS.has(k) && typeof v === 'string' ? Buffer.from(v, 'hex') : withByteIds(v);
  }
  return out;
}

const TYPES = {
  traces: OtlpTypes.traceRequest,
  logs: OtlpTypes.logsRequest,
  metrics: OtlpTypes.metricsRequest,
} as const;

/** Encodes an OTLP/JSON-shaped request as protobuf with the official message type. */
export function toProtobuf(signal: CapturedRequest['signal'], json: unknown): Buffer {
  const type = TYPES[signal];
  return Buffer.from(type.encode(type.fromObject(withByteIds(json) as object)).finish());
}

/**
 * The requests of a capture in the order the CLI sent them. With `raw`, each body is the bytes
 * the CLI sent (`raw/`, kept for the captures that have it) instead of one re-encoded.
 */
export function loadCapture(
  cli: string,
  run: string,
  options: { raw?: boolean } = {},
): CapturedRequest[] {
  const dir = `${FIXTURES}${cli}/${run}/`;
  const rawFiles = options.raw === true ? readdirSync(`${dir}raw`) : [];
  const index = readFileSync(`${dir}index.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { seq: number; signal: string; contentType: string });
  const files = readdirSync(`${dir}decoded`);
  return index.map((entry) => {
    const file = files.find((f) => f.startsWith(String(entry.seq).padStart(4, '0')));
    if (file === undefined) throw new Error(`no decoded body for request ${entry.seq}`);
    const signal = entry.signal as CapturedRequest['signal'];
    const json = JSON.parse(readFileSync(`${dir}decoded/${file}`, 'utf8')) as Record<
      string,
      unknown
    >;
    const protobuf = entry.contentType.includes('protobuf');
    if (options.raw === true) {
      const raw = rawFiles.find((f) => f.startsWith(String(entry.seq).padStart(4, '0')));
      if (raw === undefined) throw new Error(`no raw body for request ${entry.seq}`);
      return {
        signal,
        contentType: entry.contentType,
        json,
        body: readFileSync(`${dir}raw/${raw}`),
      };
    }
    return {
      signal,
      contentType: entry.contentType,
      json,
      body: protobuf ? toProtobuf(signal, json) : Buffer.from(JSON.stringify(json)),
    };
  });
}

/** The fake API's ground truth of a capture. */
export function loadGroundTruth(cli: string, run: string): GroundTruthLine[] {
  return readFileSync(`${FIXTURES}${cli}/${run}/ground-truth.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as GroundTruthLine);
}

/** A 64-bit integer as protobufjs decodes it (a `long` instance) without depending on `long`. */
export interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

const TWO_32 = 4_294_967_296;

/**
 * A 64-bit integer from OTLP/protobuf (`Long`) or OTLP/JSON (a decimal string, as the spec and
 * Codex write it, or a plain number, as Claude Code writes it) as a JS number, or undefined when
 * it is none of these. Precision past 2^53 is lost, which no field the bridge reads needs.
 */
export function int64ToNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    if (value === '' || !/^-?\d+$/.test(value)) return undefined;
    return Number(value);
  }
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const long = value as LongLike;
    if (typeof long.high !== 'number' || typeof long.low !== 'number') return undefined;
    const high = long.unsigned === true ? long.high >>> 0 : long.high;
    const n = high * TWO_32 + (long.low >>> 0);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A `*UnixNano` field as epoch milliseconds (fractional), or 0 when absent or unreadable. */
export function nanosToMillis(value: unknown): number {
  const nanos = int64ToNumber(value);
  return nanos === undefined || nanos <= 0 ? 0 : nanos / 1e6;
}

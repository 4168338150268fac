const HEX = /^[0-9a-fA-F]*$/;
const ZEROS = { 8: '0'.repeat(16), 16: '0'.repeat(32) } as const;

/**
 * A trace or span id as lower-case hex: protobuf gives bytes, OTLP/JSON hex strings (the spec;
 * protobufjs' own JSON mapping would be base64, which no sender here uses). Empty or all-zero ids
 * and ids of the wrong length are `undefined`.
 */
export function hexId(value: unknown, bytes: 8 | 16): string | undefined {
  let hex: string;
  if (typeof value === 'string') {
    if (value.length !== bytes * 2 || !HEX.test(value)) return undefined;
    hex = value.toLowerCase();
  } else if (value instanceof Uint8Array) {
    if (value.length !== bytes) return undefined;
    hex = Buffer.isBuffer(value)
      ? value.toString('hex')
      : Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else return undefined;
  return hex === ZEROS[bytes] ? undefined : hex;
}

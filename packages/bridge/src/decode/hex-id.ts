const HEX = /^[0-9a-fA-F]*$/;

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
    hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else return undefined;
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return hex;
  return undefined;
}

const HEX = /^[0-9a-f]*$/i;
const KEY_LENGTH = 64;

/**
 * Says what is wrong with an API key that is not 64 hex characters, without echoing any of it
 * (not even a bad key may reach a log): too short, too long, or not hex.
 */
export function apiKeyProblem(key: string): string {
  const fix = 'set the apiKey option or MOSAIC_TELEMETRY_API_KEY to the 64-hex-character key';
  if (HEX.test(key)) {
    const what = key.length < KEY_LENGTH ? 'too short' : 'too long';
    return `apiKey: ${what}: expected ${KEY_LENGTH} hex characters, got ${key.length}; ${fix}`;
  }
  return `apiKey: expected ${KEY_LENGTH} hex characters, got ${key.length} characters that are not all hex; ${fix}`;
}

import type { Attributes } from '@opentelemetry/api';

/** Longest tool argument text parsed; a longer one (a whole file written) is not read. */
const MAX_JSON_LENGTH = 256 * 1024;

/**
 * The JSON object in the first of `keys` that holds one (a tool call's arguments as a CLI logs
 * them), else undefined; never throws. The caller reads what it needs and keeps none of it.
 */
export function parseToolJson(
  attrs: Attributes,
  keys: readonly string[],
): Record<string, unknown> | undefined {
  for (const key of keys) {
    const text = attrs[key];
    if (typeof text !== 'string' || text.length > MAX_JSON_LENGTH) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      // Not JSON (a CLI that truncated or redacted it): nothing to read.
    }
  }
  return undefined;
}

/** The first of `keys` in a parsed tool input that is a non-empty string. */
export function stringField(
  input: Record<string, unknown> | undefined,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = input?.[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

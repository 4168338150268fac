import type { Attributes } from '@opentelemetry/api';

/** A finite number >= 0 (numbers or decimal strings, as Codex logs send counts); else undefined. */
export function countAttr(attrs: Attributes, key: string): number | undefined {
  const value = attrs[key];
  const n = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof n === 'number' && n >= 0 && n < Number.POSITIVE_INFINITY ? n : undefined;
}

/** A non-empty trimmed string; else undefined. */
export function textAttr(attrs: Attributes, key: string): string | undefined {
  const value = attrs[key];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A boolean, or the string `true` / `false` (as Claude Code and Codex logs send it); else undefined. */
export function flagAttr(attrs: Attributes, key: string): boolean | undefined {
  const value = attrs[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  return value === 'false' ? false : undefined;
}

/**
 * Keeps the API key out of every message we emit. Every configured key is remembered (a few per
 * process at most) and replaced wherever it appears, in any letter case; so is any run of 40 or
 * more hex digits, the shape of a key pasted into the wrong variable or cut short.
 */
const REDACTED = '[REDACTED]';
const KEY_SHAPED = /[0-9a-f]{40,}/gi;
/** A key shorter than this is too short to tell apart from ordinary words; such a key is invalid anyway. */
const MIN_SECRET_LENGTH = 8;
/** Keys remembered; the oldest is forgotten past this (a process configures one or two). */
const MAX_SECRETS = 16;

const secrets: string[] = [];
let pattern: RegExp | undefined;

/** Remembers `value` as a secret to redact from every later message. */
export function addSecret(value: string): void {
  const secret = value.trim().toLowerCase();
  if (secret.length < MIN_SECRET_LENGTH || secrets.includes(secret)) return;
  secrets.push(secret);
  if (secrets.length > MAX_SECRETS) secrets.shift();
  const escaped = secrets.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  pattern = new RegExp(escaped.join('|'), 'gi');
}

/** `text` with every remembered secret and every key-shaped hex run replaced by `[REDACTED]`. */
export function redactSecrets(text: string): string {
  const known = pattern === undefined ? text : text.replace(pattern, REDACTED);
  return known.replace(KEY_SHAPED, REDACTED);
}

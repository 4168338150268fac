import type { Provider } from '@mosaicstack/telemetry-semconv';
import { PROVIDERS } from './wire-values.js';

/**
 * Provider strings of the GenAI conventions and frameworks that are not wire values themselves.
 * A `Map`, not an object literal: span values index it, and `constructor` or `__proto__` must
 * find nothing rather than a property of `Object.prototype`.
 */
const ALIASES: ReadonlyMap<string, Provider> = new Map<string, Provider>([
  ['gcp.gemini', 'google'],
  ['gcp.vertex_ai', 'google'],
  ['gcp.gen_ai', 'google'],
  ['gemini', 'google'],
  ['vertex', 'google'],
  ['google.vertex', 'google'],
  ['google.generative-ai', 'google'],
  ['mistral_ai', 'mistral'],
  ['mistralai', 'mistral'],
  ['azure.ai.openai', 'openai'],
  ['openai.chat', 'openai'],
  ['openai.responses', 'openai'],
  ['anthropic.messages', 'anthropic'],
]);

/**
 * Maps a provider string from any dialect (`gen_ai.provider.name`, `gen_ai.system`, AI SDK's
 * `ai.model.provider` such as `openai.chat`) to the wire enum: known names and their aliases map,
 * a known prefix before the first dot maps, any other non-empty string is `custom`, empty is
 * `unknown`. Own entries only: names of `Object.prototype` members are `custom` like any other.
 */
export function toProvider(raw: string): Provider {
  const name = raw.trim().toLowerCase();
  if (name === '') return 'unknown';
  if (PROVIDERS.has(name)) return name as Provider;
  const alias = ALIASES.get(name);
  if (alias !== undefined) return alias;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const prefix = name.slice(0, dot);
    if (PROVIDERS.has(prefix)) return prefix as Provider;
    const prefixAlias = ALIASES.get(prefix);
    if (prefixAlias !== undefined) return prefixAlias;
  }
  return 'custom';
}

import type { Provider } from '@mosaicstack/telemetry-semconv';

/** Model-name prefixes each provider alone uses, tried in order. */
const PREFIXES: readonly (readonly [string, Provider])[] = [
  ['gpt-', 'openai'],
  ['chatgpt-', 'openai'],
  ['codex-', 'openai'],
  ['ft:gpt-', 'openai'],
  ['claude-', 'anthropic'],
  ['gemini-', 'google'],
  ['models/gemini-', 'google'],
  ['mistral-', 'mistral'],
  ['mixtral-', 'mistral'],
  ['codestral-', 'mistral'],
];

/** OpenAI's reasoning models: `o1`, `o3-mini`, `o4-mini-2025-04-16`, ... */
const OPENAI_REASONING = /^o\d+(?:-|$)/;

/**
 * The provider a model name belongs to, for spans that name a model but no provider: `gpt-*`,
 * `chatgpt-*`, `codex-*` and `o1`/`o3`/`o4`-style names are openai, `claude-*` anthropic,
 * `gemini-*` google, `mistral-*`/`mixtral-*`/`codestral-*` mistral (each prefix also as the whole
 * name, e.g. `codestral`); `undefined` for any other name (an explicit provider attribute always
 * wins over this guess, and a name we do not know is not guessed).
 */
export function providerFromModel(model: string | undefined): Provider | undefined {
  if (model === undefined) return undefined;
  const name = model.toLowerCase();
  for (const [prefix, provider] of PREFIXES) {
    if (name.startsWith(prefix) || name === prefix.slice(0, -1)) return provider;
  }
  return OPENAI_REASONING.test(name) ? 'openai' : undefined;
}

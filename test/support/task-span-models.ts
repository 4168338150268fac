/**
 * Models a task span may name as its own (no provider attribute, no model calls beneath it), each
 * with the provider its event must carry: the name's provider, or `unknown` for a name we do not know.
 */
export const TASK_SPAN_MODELS: readonly (readonly [model: string, provider: string])[] = [
  ['gpt-4o', 'openai'],
  ['o1', 'openai'],
  ['o3', 'openai'],
  ['o4-mini', 'openai'],
  ['claude-sonnet-4-5', 'anthropic'],
  ['gemini-2.5-pro', 'google'],
  ['mistral-large-latest', 'mistral'],
  ['llama-3.1-70b', 'unknown'],
];

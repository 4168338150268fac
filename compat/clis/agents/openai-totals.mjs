// The fake OpenAI API's ground truth summed the way the bridge counts an OpenAI-compatible task:
// input tokens include cached ones, output tokens include reasoning (Chat Completions
// `prompt_tokens` / `completion_tokens`, Responses `input_tokens` / `output_tokens`).

/** Tokens, last answered model, whether the last request failed, and how many requests. */
export function openAiTotals(truth) {
  let input = 0;
  let output = 0;
  let model;
  for (const line of truth) {
    if (line.usage) {
      input += line.usage.prompt_tokens ?? line.usage.input_tokens;
      output += line.usage.completion_tokens ?? line.usage.output_tokens;
    }
    if (line.kind !== 'error' && line.model) model = line.model;
  }
  return { input, output, model, failed: truth.at(-1)?.kind === 'error', requests: truth.length };
}

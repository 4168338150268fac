// The least a processor that folds model-call usage into tasks can do per span, as a same-run
// floor for bench (a): one live task at a time, children found by comparing their parent id with
// the task's, one small entry per child with the model name the child started with, and at a
// child's end the keys that carry its counts read in the three dialects the bench rows use (AI
// SDK by its operation id, with AI SDK 5's Anthropic cache counts found in its metadata by key;
// OTel gen_ai; OpenInference, whose request model is the name it started with, else in per-call
// JSON: compared with the last, parsed when it changed), its span id and four numbers pushed onto
// the task's two columns, summed at the task's end. None of what makes it correct for any sender:
// no grandchildren, nesting or aging, no bound, no check of a value, no layers, no twins, no
// throwing span kept from the host. What Mosaic's processor spends above this row is the price of
// that correctness (what is known of it: docs/guarantees.md, "Benchmark figures").

/** The keys of Anthropic's cache reads and writes in AI SDK 5 provider metadata JSON. */
const READ_KEY = '"cache_read_input_tokens":';
const WRITE_KEY = '"cache_creation_input_tokens":';

/** A floor processor (onStart/onEnd only; nothing is exported). */
export class FloorProcessor {
  taskId = undefined;
  last = undefined;
  ids = [''];
  numbers = [0.5];
  lastInvocation = undefined;
  lastInvocationModel = undefined;
  /** The last call's model and provider (a tracker keeps them per run of calls). */
  model = undefined;
  provider = undefined;
  /** Sums of the last task, so the fold is not optimised away. */
  input = 0;
  output = 0;

  onStart(span, _context) {
    if (span.attributes['mosaic.task.type'] !== undefined) {
      this.taskId = span.spanContext().spanId;
      this.ids = [''];
      this.ids.length = 0;
      this.numbers = [0.5];
      this.numbers.length = 0;
      return;
    }
    if (this.taskId === undefined || span.parentSpanContext?.spanId !== this.taskId) return;
    this.last = { span, id: span.spanContext().spanId, model: span.attributes['llm.model_name'] };
  }

  onEnd(span) {
    const attrs = span.attributes;
    if (attrs['mosaic.task.type'] !== undefined) {
      let input = 0;
      let output = 0;
      for (let i = 2; i < this.numbers.length; i += 4) {
        input += this.numbers[i];
        output += this.numbers[i + 1];
      }
      this.input = input;
      this.output = output;
      this.taskId = undefined;
      return;
    }
    const entry = this.last;
    if (entry === undefined || entry.span !== span) return;
    this.last = undefined;
    let model;
    let input;
    let output;
    let provider;
    // By attributes alone: reading a name's characters can cost a copy of it (see bench (a)).
    if (attrs['ai.operationId'] === 'ai.generateText.doGenerate') {
      model = attrs['ai.model.id'];
      input = attrs['ai.usage.inputTokens'];
      output = attrs['ai.usage.outputTokens'];
      provider = attrs['ai.model.provider'];
      // AI SDK 5 on Anthropic counts input without the cache: its reads and writes, from the
      // provider's metadata JSON, found by key with no check of where they are.
      const metadata = attrs['ai.response.providerMetadata'];
      if (metadata !== undefined) {
        const read = metadata.indexOf(READ_KEY) + READ_KEY.length;
        const write = metadata.indexOf(WRITE_KEY) + WRITE_KEY.length;
        input += Number.parseInt(metadata.slice(read, read + 16), 10);
        input += Number.parseInt(metadata.slice(write, write + 16), 10);
      }
    } else if (attrs['gen_ai.operation.name'] === 'chat') {
      model = attrs['gen_ai.request.model'];
      input = attrs['gen_ai.usage.input_tokens'];
      output = attrs['gen_ai.usage.output_tokens'];
      provider = attrs['gen_ai.provider.name'];
    } else if (attrs['openinference.span.kind'] === 'LLM') {
      model = entry.model;
      if (model === undefined) {
        const invocation = attrs['llm.invocation_parameters'];
        if (invocation !== this.lastInvocation) {
          this.lastInvocation = invocation;
          this.lastInvocationModel = JSON.parse(invocation).model;
        }
        model = this.lastInvocationModel;
      }
      input = attrs['llm.token_count.prompt'];
      output = attrs['llm.token_count.completion'];
      provider = attrs['llm.provider'];
    } else {
      return;
    }
    const start = span.startTime;
    const end = span.endTime;
    this.ids.push(entry.id);
    this.numbers.push(start[0] * 1e3 + start[1] / 1e6, end[0] * 1e3 + end[1] / 1e6, input, output);
    this.model = model;
    this.provider = provider;
  }

  forceFlush() {
    return Promise.resolve();
  }

  shutdown() {
    return Promise.resolve();
  }
}

import type {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  Provider,
} from '@mosaicstack/telemetry-semconv';
import { providerFromModel } from '../conversion/provider-from-model.js';
import type { SpanRecord } from '../conversion/span-record.js';
import { toProvider } from '../conversion/to-provider.js';
import { anthropicCacheCounts } from './anthropic-cache-counts.js';

/**
 * What a span is to usage folding: `call` is one model call whose tokens count; `wrapper` (agent,
 * agent step, AI SDK `ai.generateText`, chain, workflow) carries totals of the calls beneath it
 * and never adds; `embedding` is an embeddings call, whose tokens are not task usage (they are
 * priced apart and their model is not the task's model), so it never adds either.
 */
export type ModelCallKind = 'call' | 'wrapper' | 'embedding';

/** The attribute convention a span's usage was read in. */
export type ModelCallDialect = 'ai-sdk' | 'gen-ai' | 'openinference' | 'openllmetry';

/** A span's model-call usage, normalised from any supported dialect. */
export interface ModelCall {
  readonly kind: ModelCallKind;
  readonly dialect: ModelCallDialect;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  /** Of the input tokens, those read from the prompt cache. */
  readonly cacheReadTokens?: number | undefined;
  /** Of the input tokens, those written to the prompt cache. */
  readonly cacheWriteTokens?: number | undefined;
  /** Of the output tokens, the reasoning (thinking) tokens. */
  readonly reasoningTokens?: number | undefined;
  readonly model?: string | undefined;
  /** From the span's provider attribute, else guessed from the model name (`providerFromModel`). */
  readonly provider?: Provider | undefined;
}

/** A {@link ModelCall} that {@link readModelCallInto} fills in place, every field each time. */
export type ModelCallFields = { -readonly [K in keyof ModelCall]: ModelCall[K] };

/** A blank {@link ModelCallFields} to read spans into. */
export function modelCallFields(): ModelCallFields {
  return {
    kind: 'call',
    dialect: 'gen-ai',
    inputTokens: undefined,
    outputTokens: undefined,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    model: undefined,
    provider: undefined,
  };
}

type Attrs = SpanRecord['attributes'];
/** What the usage reader looks at: a span record's name and attributes (an SDK span has both). */
export type ModelCallSource = Pick<SpanRecord, 'name' | 'attributes'>;

/**
 * What a Vercel AI SDK <= 6 span is by its operation id (also its span name, whatever the
 * tracer); `undefined` for any other. A switch, as {@link genAiOperationKind}, the model calls
 * first (AI SDK doGenerate spans -28 ns in the median of six same-run comparisons). Each case
 * compares lengths before characters, so a span name built per span (`chat ${model}`, which past
 * 12 characters is a string of parts that any read of a character copies first) is read only
 * when its length is an AI SDK name's.
 */
function aiSdkSpanKind(name: string): ModelCallKind | undefined {
  switch (name) {
    case 'ai.generateText.doGenerate':
    case 'ai.streamText.doStream':
    case 'ai.generateObject.doGenerate':
    case 'ai.streamObject.doStream':
      return 'call';
    case 'ai.generateText':
    case 'ai.streamText':
    case 'ai.generateObject':
    case 'ai.streamObject':
      return 'wrapper';
    case 'ai.embed':
    case 'ai.embedMany':
    case 'ai.embed.doEmbed':
    case 'ai.embedMany.doEmbed':
      return 'embedding';
    default:
      return undefined;
  }
}

/**
 * What an OTel GenAI `gen_ai.operation.name` value makes a span; `undefined` for the others
 * (execute_tool, create_agent), which are no call. A switch, not a map: the map's hash lookup was
 * 5% of the processor's own time per model call inside a task (a CPU profile of spans replayed
 * through it), gone with the switch, where `chat` is the first compare (bench (a), same-run
 * comparisons of eight runs: chat spans -19 ns in the median, tool spans -6, both within the
 * noise); a value such as `constructor` matches no case.
 */
function genAiOperationKind(operation: string): ModelCallKind | undefined {
  switch (operation) {
    case 'chat':
    case 'text_completion':
    case 'generate_content':
      return 'call';
    case 'invoke_agent':
    case 'agent_step':
    case 'invoke_workflow':
      return 'wrapper';
    case 'embeddings':
      return 'embedding';
    default:
      return undefined;
  }
}

/**
 * What an OpenInference `openinference.span.kind` value makes a span; `undefined` for the others
 * (TOOL, RETRIEVER, ...), which are no call. A switch, as {@link genAiOperationKind}
 * (OpenInference LLM spans -28 ns in the median of six same-run comparisons).
 */
function openInferenceKind(kind: string): ModelCallKind | undefined {
  switch (kind) {
    case 'LLM':
      return 'call';
    case 'AGENT':
    case 'CHAIN':
      return 'wrapper';
    case 'EMBEDDING':
      return 'embedding';
    default:
      return undefined;
  }
}

/** OpenLLMetry `traceloop.span.kind` values that wrap model calls (`tool` wraps none). */
const TRACELOOP_WRAPPERS: ReadonlySet<string> = new Set(['workflow', 'task', 'agent']);

/**
 * A token count (a finite number >= 0, truncated; anything else is absent), of a value read at a
 * load site of its own (`asCount(attrs['key'])`): one shared site that saw every key was a
 * megamorphic lookup per read. Keys are string literals, checked against the semconv constants
 * by `satisfies`: a key taken from an imported binding is a keyed load that TurboFan leaves to an
 * IC call (literal keys: about -50 to -80 ns per AI SDK call span, -13 to -31 per gen_ai or
 * OpenInference one inside a task, bench (a), same-run comparisons).
 */
function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY
    ? Math.trunc(value)
    : undefined;
}

/** A non-empty string, trimmed, of a value read at its own site (see {@link asCount}). */
function asText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * {@link asText} with the last string it was given remembered: a task's calls repeat one model
 * and one provider name (mostly the very same string), so a compare replaces a `trim()` call
 * (about -20 ns per model call, bench (a) profile).
 */
class LastText {
  private value: string | undefined = undefined;
  private text: string | undefined = undefined;

  of(value: unknown): string | undefined {
    if (value === this.value) return this.text;
    const text = asText(value);
    if (typeof value === 'string') {
      this.value = value;
      this.text = text;
    }
    return text;
  }
}

/** Model names and provider names, each remembered apart. */
const modelText = new LastText();
const providerText = new LastText();

/**
 * The provider string and model name last mapped, and what each mapped to. A task's calls repeat
 * one provider and model, and `toProvider`/`providerFromModel` lower-case a fresh copy of the
 * name each time: remembering the last of each takes off the 24 B that this allocated per
 * model-call span inside a task (heap sampling of bench (a)'s chat row).
 */
let lastRaw: string | undefined;
let lastRawProvider: Provider = 'unknown';
let lastModel: string | undefined;
let lastModelProvider: Provider | undefined;

/** The provider an attribute names; when none does, the one the model name belongs to. */
function provider(raw: string | undefined, model: string | undefined): Provider | undefined {
  if (raw !== undefined) {
    if (raw !== lastRaw) {
      lastRawProvider = toProvider(raw);
      lastRaw = raw;
    }
    return lastRawProvider;
  }
  if (model !== lastModel) {
    lastModelProvider = providerFromModel(model);
    lastModel = model;
  }
  return lastModelProvider;
}

function aiSdkCall(attrs: Attrs, kind: ModelCallKind, out: ModelCallFields): void {
  const model =
    modelText.of(attrs['ai.model.id']) ??
    modelText.of(attrs['gen_ai.request.model' satisfies typeof ATTR_GEN_AI_REQUEST_MODEL]);
  const rawProvider =
    providerText.of(attrs['ai.model.provider']) ??
    providerText.of(attrs['gen_ai.system' satisfies typeof ATTR_GEN_AI_SYSTEM]);
  const callProvider = provider(rawProvider, model);
  out.kind = kind;
  out.dialect = 'ai-sdk';
  out.inputTokens =
    asCount(attrs['ai.usage.inputTokens']) ??
    asCount(attrs['ai.usage.promptTokens']) ??
    asCount(attrs['ai.usage.tokens']);
  out.outputTokens =
    asCount(attrs['ai.usage.outputTokens']) ?? asCount(attrs['ai.usage.completionTokens']);
  // v5 and v6 set these two; the cache write count is v6's only.
  out.cacheReadTokens = asCount(attrs['ai.usage.cachedInputTokens']);
  out.cacheWriteTokens = asCount(attrs['ai.usage.inputTokenDetails.cacheWriteTokens']);
  // AI SDK 5 (no `noCacheTokens`) keeps the Anthropic provider's cache counts in its metadata
  // only. Reading that JSON costs a copy of it per call (built afresh as a string of parts, see
  // `readModelCallInto`), and a search of all of it when it is not Anthropic's.
  if (
    attrs['ai.usage.inputTokenDetails.noCacheTokens'] === undefined &&
    mayHoldAnthropicUsage(callProvider, rawProvider)
  ) {
    aiSdk5Anthropic(attrs, out);
  }
  out.reasoningTokens = asCount(attrs['ai.usage.reasoningTokens']);
  out.model = model;
  out.provider = callProvider;
}

/**
 * Whether an AI SDK call of this provider can carry Anthropic's usage in its metadata: not
 * OpenAI's, nor Google's own Gemini provider's (Google's Vertex serves Anthropic models as
 * `vertex.anthropic.*`, whose metadata is Anthropic's). Skipped for OpenAI: -121 and -235 ns per
 * call in bench (a)'s AI SDK row with OpenAI's metadata added; in the row as it is, with none,
 * -42 ns in the median of eight same-run comparisons (-75 to +27). Gemini's metadata (safety
 * ratings, search grounding) takes a search for "anthropic" of about +150 ns per call for 250
 * bytes, +720 ns for 1.3 KB of grounding (fresh JSON per call, 200,000 calls).
 */
function mayHoldAnthropicUsage(
  callProvider: Provider | undefined,
  raw: string | undefined,
): boolean {
  if (callProvider === 'openai') return false;
  return callProvider !== 'google' || (raw !== undefined && NAMES_ANTHROPIC.test(raw));
}

/** A provider string that names Anthropic (`vertex.anthropic.messages`). */
const NAMES_ANTHROPIC = /anthropic/i;

/**
 * AI SDK 5's Anthropic provider counts input as Anthropic does, without cache reads and writes,
 * and gives the writes only in its provider metadata: both are added back from there.
 */
function aiSdk5Anthropic(attrs: Attrs, out: ModelCallFields): void {
  const cache = anthropicCacheCounts(attrs['ai.response.providerMetadata']);
  if (cache === undefined || out.inputTokens === undefined) return;
  out.inputTokens += cache.read + cache.write;
  out.cacheReadTokens = cache.read;
  out.cacheWriteTokens = cache.write;
}

function genAiCall(
  attrs: Attrs,
  kind: ModelCallKind,
  dialect: ModelCallDialect,
  out: ModelCallFields,
): void {
  // The request model (as asked, undated) before the response model (often dated).
  // Every key at its own load site (`asText`, `asCount`): a model call inside a task reads a
  // dozen keys, and one shared site per helper made each read a megamorphic lookup.
  const model =
    modelText.of(attrs['gen_ai.request.model' satisfies typeof ATTR_GEN_AI_REQUEST_MODEL]) ??
    modelText.of(attrs['gen_ai.response.model' satisfies typeof ATTR_GEN_AI_RESPONSE_MODEL]);
  out.kind = kind;
  out.dialect = dialect;
  const input =
    asCount(attrs['gen_ai.usage.input_tokens' satisfies typeof ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ??
    asCount(attrs['gen_ai.usage.prompt_tokens']);
  const cacheRead = asCount(attrs['gen_ai.usage.cache_read.input_tokens']);
  // Copilot CLI names its cache writes `cache_write`.
  const cacheWrite =
    asCount(attrs['gen_ai.usage.cache_creation.input_tokens']) ??
    asCount(attrs['gen_ai.usage.cache_write.input_tokens']);
  // The conventions count cached tokens in the input; an instrumentation that passes Anthropic's
  // `input_tokens` on as is (OpenLLMetry JS) does not: more cached tokens than input tells it.
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  out.inputTokens = input !== undefined && cached > input ? input + cached : input;
  out.cacheReadTokens = cacheRead;
  out.cacheWriteTokens = cacheWrite;
  out.reasoningTokens = asCount(attrs['gen_ai.usage.reasoning.output_tokens']);
  out.outputTokens =
    asCount(attrs['gen_ai.usage.output_tokens' satisfies typeof ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ??
    asCount(attrs['gen_ai.usage.completion_tokens']);
  out.model = model;
  out.provider = provider(
    providerText.of(attrs['gen_ai.provider.name' satisfies typeof ATTR_GEN_AI_PROVIDER_NAME]) ??
      providerText.of(attrs['gen_ai.system' satisfies typeof ATTR_GEN_AI_SYSTEM]),
    model,
  );
}

/** Longest `llm.invocation_parameters` parsed for its request model (it holds no messages). */
const MAX_INVOCATION_PARAMETERS = 8192;

/** Invocation parameters last parsed, and the model each named (`null`: none). */
const invocationModels = new Map<string, string | null>();
/** Entries of {@link invocationModels} before it starts afresh, and the longest string kept. */
const MAX_CACHED_INVOCATIONS = 64;
const MAX_CACHED_INVOCATION_LENGTH = 1024;
/**
 * The invocation parameters last looked up, and their model. OpenInference serialises them afresh
 * for each call: comparing with the last string costs less than hashing it for the map (-53 to
 * -81 ns per OpenInference LLM span in a task with fresh JSON strings, same-run comparisons).
 */
let lastInvocation: string | undefined;
let lastInvocationModel: string | null = null;

/**
 * The request model in OpenInference's `llm.invocation_parameters` JSON, when it names one. A
 * task's calls repeat the same parameters: each distinct string is parsed once (parsing costs
 * more than the rest of reading the span), in a small cache that starts afresh when full.
 */
function invocationModel(attrs: Attrs): string | undefined {
  const raw = attrs['llm.invocation_parameters'];
  if (typeof raw !== 'string' || raw.length > MAX_INVOCATION_PARAMETERS) return undefined;
  if (raw.length > MAX_CACHED_INVOCATION_LENGTH) return parseInvocationModel(raw);
  if (raw === lastInvocation) return lastInvocationModel ?? undefined;
  let model = invocationModels.get(raw);
  if (model === undefined) {
    model = parseInvocationModel(raw) ?? null;
    if (invocationModels.size >= MAX_CACHED_INVOCATIONS) invocationModels.clear();
    invocationModels.set(raw, model);
  }
  lastInvocation = raw;
  lastInvocationModel = model;
  return model ?? undefined;
}

function parseInvocationModel(raw: string): string | undefined {
  try {
    const model = (JSON.parse(raw) as { model?: unknown } | null)?.model;
    if (typeof model !== 'string') return undefined;
    const trimmed = model.trim();
    return trimmed === '' ? undefined : trimmed;
  } catch {
    return undefined;
  }
}

function openInferenceCall(
  attrs: Attrs,
  kind: ModelCallKind,
  out: ModelCallFields,
  modelAtStart: unknown,
): void {
  // `llm.model_name` at the end is often the response model (dated): the request model, when
  // known, first: the name the span started with, else the one in the invocation parameters.
  const model =
    (kind === 'call' ? (modelText.of(modelAtStart) ?? invocationModel(attrs)) : undefined) ??
    modelText.of(attrs['llm.model_name']);
  out.kind = kind;
  out.dialect = 'openinference';
  out.inputTokens = asCount(attrs['llm.token_count.prompt']);
  out.outputTokens = asCount(attrs['llm.token_count.completion']);
  out.cacheReadTokens = asCount(attrs['llm.token_count.prompt_details.cache_read']);
  out.cacheWriteTokens = asCount(attrs['llm.token_count.prompt_details.cache_write']);
  out.reasoningTokens = asCount(attrs['llm.token_count.completion_details.reasoning']);
  out.model = model;
  out.provider = provider(
    providerText.of(attrs['llm.provider']) ?? providerText.of(attrs['llm.system']),
    model,
  );
}

function hasGenAiUsage(attrs: Attrs): boolean {
  return (
    attrs['gen_ai.usage.input_tokens' satisfies typeof ATTR_GEN_AI_USAGE_INPUT_TOKENS] !==
      undefined ||
    attrs['gen_ai.usage.output_tokens' satisfies typeof ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] !==
      undefined ||
    attrs['gen_ai.usage.prompt_tokens'] !== undefined ||
    attrs['gen_ai.usage.completion_tokens'] !== undefined
  );
}

/**
 * Reads a finished span's model-call usage in whichever dialect it speaks, or `undefined` when
 * it is no model call, wrapper or embedding (an HTTP span, a tool call, a retriever). Dialects,
 * first match wins, so a span that speaks two (AI SDK call spans also carry `gen_ai.*`) is read
 * once: the Vercel AI SDK <= 6 by `ai.operationId`; OTel GenAI by `gen_ai.operation.name`;
 * OpenInference by `openinference.span.kind`; OpenLLMetry by `traceloop.span.kind` or
 * `llm.request.type`; the AI SDK by span name when its span carries none of these; OTel GenAI
 * or OpenLLMetry by bare `gen_ai.usage.*` counts. Reads attributes only, never writes.
 */
export function readModelCall(span: ModelCallSource): ModelCall | undefined {
  const call = modelCallFields();
  return readModelCallInto(span, call) ? call : undefined;
}

/**
 * {@link readModelCall} into `out`, every field of it, without allocating: whether the span is a
 * model call, wrapper or embedding (`out` is left as it was when not). The tracker reads each
 * span inside a task into one object: a fresh one per span was 72 B of garbage per model call.
 *
 * `modelAtStart`: the span's `llm.model_name` as it was when the span started, for a reader that
 * saw the start (the tracker; the bridge sees ended spans only). A name there can only be the
 * model asked for: OpenInference's OpenAI instrumentation sets the request model at the start
 * and overwrites it with the response model at the end. Taken before the request model in
 * `llm.invocation_parameters`, which it names too, because that JSON is built afresh per call,
 * in parts (V8 keeps JSON text of more than 32 characters as a string of parts), so any read of
 * it copies it into one string first: -80 to -103 ns per OpenInference LLM span inside a task
 * (bench (a), three same-run comparisons of 61 repetitions).
 */
export function readModelCallInto(
  span: ModelCallSource,
  out: ModelCallFields,
  modelAtStart?: unknown,
): boolean {
  const attrs = span.attributes;
  // The AI SDK names each span after its operation and also sets `ai.operationId` to it: the
  // attribute first, the name only for a span that speaks no other dialect (see below).
  const operationId = attrs['ai.operationId'];
  if (typeof operationId === 'string') {
    const aiSdk = aiSdkSpanKind(operationId);
    if (aiSdk !== undefined) {
      aiSdkCall(attrs, aiSdk, out);
      return true;
    }
  }

  const operation = attrs['gen_ai.operation.name' satisfies typeof ATTR_GEN_AI_OPERATION_NAME];
  if (typeof operation === 'string') {
    const kind = genAiOperationKind(operation);
    if (kind === undefined) return false;
    genAiCall(attrs, kind, 'gen-ai', out);
    return true;
  }

  const openInference = attrs['openinference.span.kind'];
  if (typeof openInference === 'string') {
    const kind = openInferenceKind(openInference) ?? openInferenceKind(openInference.toUpperCase());
    if (kind === undefined) return false;
    openInferenceCall(attrs, kind, out, modelAtStart);
    return true;
  }

  const traceloop = attrs['traceloop.span.kind'];
  if (typeof traceloop === 'string') {
    if (!TRACELOOP_WRAPPERS.has(traceloop)) return false;
    genAiCall(attrs, 'wrapper', 'openllmetry', out);
    return true;
  }

  const requestType = attrs['llm.request.type'];
  if (typeof requestType === 'string') {
    genAiCall(attrs, requestType === 'embedding' ? 'embedding' : 'call', 'openllmetry', out);
    return true;
  }
  // The name last (see `aiSdkSpanKind`): -79 and -80 ns per chat span named per span, -37 and
  // -45 per tool span, against reading it first (bench (a), same-run comparisons).
  const aiSdk = aiSdkSpanKind(span.name);
  if (aiSdk !== undefined) {
    aiSdkCall(attrs, aiSdk, out);
    return true;
  }
  if (!hasGenAiUsage(attrs)) return false;
  genAiCall(attrs, 'call', 'gen-ai', out);
  return true;
}

/**
 * Whether `autoTasks` may treat this span as a task when no tracked span encloses it: an OTel
 * GenAI `invoke_agent` span or a top-level AI SDK generate/stream wrapper, known by its
 * `ai.operationId`, else by its name (embeddings are not tasks). Asked of every span outside a
 * task while `autoTasks` is on: a switch, where the set it replaced hashed every span's name
 * (-26 to -41 ns per ordinary span with `autoTasks` on and names built per span, same-run).
 */
export function isAgentRoot(span: ModelCallSource): boolean {
  const attrs = span.attributes;
  if (
    attrs['gen_ai.operation.name' satisfies typeof ATTR_GEN_AI_OPERATION_NAME] === 'invoke_agent'
  ) {
    return true;
  }
  const operationId = attrs['ai.operationId'];
  return aiSdkSpanKind(typeof operationId === 'string' ? operationId : span.name) === 'wrapper';
}

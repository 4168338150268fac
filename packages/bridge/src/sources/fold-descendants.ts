import {
  type FoldableCall,
  foldModelCalls,
  priceTaskRequests,
  type RequestUsage,
  readModelCall,
  reduceProviderMetadata,
  type SpanRecord,
} from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import type { TraceView } from '../model/trace-view.js';

/**
 * What makes a span a model call the fold reads (the exporter core's `readModelCall`): the AI
 * SDK's `ai.` spans by name, the others by one of these attribute keys; the keys it reads; and
 * the AI SDK's provider metadata, held as the Anthropic cache counts the reader reads of it
 * (AI SDK 5 counts Anthropic's input without them), never as the JSON the provider sent.
 */
export const MODEL_CALL_READS = {
  spanNamePrefixes: ['ai.'],
  attributeKeys: [
    'gen_ai.operation.name',
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
    'openinference.span.kind',
    'traceloop.span.kind',
    'llm.request.type',
  ],
  /** Everything else the core's `readModelCall` reads, in any dialect. */
  keys: [
    'ai.operationId',
    'gen_ai.provider.name',
    'gen_ai.system',
    'gen_ai.request.model',
    'gen_ai.response.model',
    'gen_ai.usage.completion_tokens',
    'ai.model.id',
    'ai.model.provider',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
    'ai.usage.tokens',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
    'llm.invocation_parameters',
    'llm.model_name',
    'llm.token_count.completion',
    'llm.provider',
    'llm.system',
    // The breakdown a price needs (cache reads, cache writes, reasoning), per dialect.
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.reasoning.output_tokens',
    'ai.usage.cachedInputTokens',
    'ai.usage.inputTokenDetails.cacheWriteTokens',
    // AI SDK 6 sets it; without it a call is read as AI SDK 5's, with its provider metadata.
    'ai.usage.inputTokenDetails.noCacheTokens',
    'ai.usage.reasoningTokens',
    'llm.token_count.prompt_details.cache_read',
    'llm.token_count.prompt_details.cache_write',
    'llm.token_count.completion_details.reasoning',
  ],
  reducedKeys: {
    'ai.response.providerMetadata': reduceProviderMetadata,
  },
} as const;

/** Usage and failure of the model calls beneath each task span, each call under its nearest task. */
export interface FoldedTask {
  readonly usage: ReturnType<typeof foldModelCalls>;
  readonly lastCallFailed: boolean;
  readonly calls: number;
  /** The calls priced one by one (the exporter's `priceTaskRequests`), in USD micros. */
  readonly costMicros: number;
  /** Whether a call with tokens had no price (unknown model or provider). */
  readonly uncosted: boolean;
}

/**
 * Folds the model calls of `trace` into the task spans `taskIds` by span id (a call counts toward
 * its nearest task ancestor), with the core's reader and fold (the same rules as the in-process processor).
 */
export function foldDescendants(
  trace: TraceView,
  taskIds: ReadonlySet<string>,
): Map<string, FoldedTask> {
  const byTask = new Map<string, { calls: FoldableCall[]; last: SpanRecord | undefined }>();
  for (const record of trace.records.values()) {
    if (taskIds.has(record.spanId)) continue;
    const call = readModelCall(record);
    if (call === undefined || call.kind !== 'call') continue;
    // The spans between the call and its nearest task, nearest first: a call with a counted call
    // beneath it is the same call seen by an outer layer (the fold skips it).
    const ancestorIds: string[] = [];
    let task: string | undefined;
    for (const id of trace.ancestors(record.spanId)) {
      if (taskIds.has(id)) {
        task = id;
        break;
      }
      ancestorIds.push(id);
    }
    if (task === undefined) continue;
    let entry = byTask.get(task);
    if (entry === undefined) {
      entry = { calls: [], last: undefined };
      byTask.set(task, entry);
    }
    entry.calls.push({
      traceId: record.traceId,
      spanId: record.spanId,
      ancestorIds,
      layer:
        record.scopeName !== undefined && record.scopeName !== '' ? record.scopeName : call.dialect,
      startTimeMs: record.startTimeMs,
      endTimeMs: record.endTimeMs,
      inputTokens: call.inputTokens,
      outputTokens: call.outputTokens,
      cacheReadTokens: call.cacheReadTokens,
      cacheWriteTokens: call.cacheWriteTokens,
      reasoningTokens: call.reasoningTokens,
      model: call.model,
      provider: call.provider,
    });
    if (entry.last === undefined || record.endTimeMs >= entry.last.endTimeMs) {
      entry.last = record;
    }
  }
  const out = new Map<string, FoldedTask>();
  for (const [task, entry] of byTask) {
    const requests: RequestUsage[] = [];
    const usage = foldModelCalls(entry.calls, requests);
    const price = priceTaskRequests(requests, usage.model, usage.provider);
    out.set(task, {
      usage,
      lastCallFailed: entry.last?.statusCode === SPAN_STATUS_ERROR,
      calls: entry.calls.length,
      costMicros: price.costMicros,
      uncosted: price.unpriced.length > 0,
    });
  }
  return out;
}

import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MOSAIC_CONTEXT_COMPACTIONS,
  ATTR_MOSAIC_CONTEXT_ROTATIONS,
  ATTR_MOSAIC_CONTEXT_UTILIZATION,
  ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  ATTR_MOSAIC_HARNESS,
  ATTR_MOSAIC_QUALITY_GATES_FAILED,
  ATTR_MOSAIC_QUALITY_GATES_RUN,
  ATTR_MOSAIC_QUALITY_PASSED,
  ATTR_MOSAIC_TASK_COMPLEXITY,
  ATTR_MOSAIC_TASK_LANGUAGE,
  ATTR_MOSAIC_TASK_OUTCOME,
  ATTR_MOSAIC_TASK_REPO_SIZE,
  ATTR_MOSAIC_TASK_RETRY_COUNT,
  ATTR_MOSAIC_TASK_TYPE,
  ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  type Complexity,
  type Harness,
  type Outcome,
  type Provider,
  type QualityGate,
  type RepoSizeCategory,
  type TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';

/** The fields of a task, camelCase and typed, for `taskAttributes()`. */
export interface TaskAttributeFields {
  /** Kind of task (`mosaic.task.type`). @example TaskType.IMPLEMENTATION */
  taskType: TaskType;
  /** How hard it is (`mosaic.task.complexity`). @default 'medium' */
  complexity?: Complexity;
  /** How it ended (`mosaic.task.outcome`); `withTask` sets it when you do not. */
  outcome?: Outcome;
  /** Retries of the task, 0..20 (`mosaic.task.retry_count`). @default 0 */
  retryCount?: number;
  /** Main programming language (`mosaic.task.language`). @example 'typescript' */
  language?: string;
  /** Size bucket of the repository (`mosaic.task.repo_size`). */
  repoSize?: RepoSizeCategory;
  /** Tool that ran the task (`mosaic.harness`). @default the config's harness */
  harness?: Harness;
  /** Model asked (`gen_ai.request.model`). @example 'claude-sonnet-4-5' */
  model?: string;
  /** Model provider (`gen_ai.provider.name`). @example Provider.ANTHROPIC */
  provider?: Provider;
  /** Input tokens used (`gen_ai.usage.input_tokens`). @default the sum of child model calls */
  inputTokens?: number;
  /** Output tokens used (`gen_ai.usage.output_tokens`). @default the sum of child model calls */
  outputTokens?: number;
  /** Input tokens estimated beforehand (`mosaic.tokens.estimated_input`). @default 0 */
  estimatedInputTokens?: number;
  /** Output tokens estimated beforehand (`mosaic.tokens.estimated_output`). @default 0 */
  estimatedOutputTokens?: number;
  /** Cost estimated beforehand, in micro-dollars (`mosaic.cost.estimated_usd_micros`). @default 0 */
  estimatedCostUsdMicros?: number;
  /** Cost incurred, in micro-dollars (`mosaic.cost.actual_usd_micros`). @default 0 */
  actualCostUsdMicros?: number;
  /** Whether every quality gate passed (`mosaic.quality.passed`). @default false */
  qualityPassed?: boolean;
  /** Gates that ran (`mosaic.quality.gates_run`). @example [QualityGate.LINT, QualityGate.TEST] */
  qualityGatesRun?: readonly QualityGate[];
  /** Gates that failed (`mosaic.quality.gates_failed`). @default [] */
  qualityGatesFailed?: readonly QualityGate[];
  /** Context compactions, 0..100 (`mosaic.context.compactions`). @default 0 */
  contextCompactions?: number;
  /** Context rotations, 0..50 (`mosaic.context.rotations`). @default 0 */
  contextRotations?: number;
  /** Final context window utilization, 0..1 (`mosaic.context.utilization`). @default 0 */
  contextUtilization?: number;
}

/** Span attributes of a task: OTel `Attributes` that surely carry `mosaic.task.type`. */
export type TaskSpanAttributes = Attributes & { readonly [ATTR_MOSAIC_TASK_TYPE]: string };

const KEYS: Readonly<Record<keyof TaskAttributeFields, string>> = {
  taskType: ATTR_MOSAIC_TASK_TYPE,
  complexity: ATTR_MOSAIC_TASK_COMPLEXITY,
  outcome: ATTR_MOSAIC_TASK_OUTCOME,
  retryCount: ATTR_MOSAIC_TASK_RETRY_COUNT,
  language: ATTR_MOSAIC_TASK_LANGUAGE,
  repoSize: ATTR_MOSAIC_TASK_REPO_SIZE,
  harness: ATTR_MOSAIC_HARNESS,
  model: ATTR_GEN_AI_REQUEST_MODEL,
  provider: ATTR_GEN_AI_PROVIDER_NAME,
  inputTokens: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  outputTokens: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  estimatedInputTokens: ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  estimatedOutputTokens: ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  estimatedCostUsdMicros: ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  actualCostUsdMicros: ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  qualityPassed: ATTR_MOSAIC_QUALITY_PASSED,
  qualityGatesRun: ATTR_MOSAIC_QUALITY_GATES_RUN,
  qualityGatesFailed: ATTR_MOSAIC_QUALITY_GATES_FAILED,
  contextCompactions: ATTR_MOSAIC_CONTEXT_COMPACTIONS,
  contextRotations: ATTR_MOSAIC_CONTEXT_ROTATIONS,
  contextUtilization: ATTR_MOSAIC_CONTEXT_UTILIZATION,
};

/**
 * Builds a task span's attributes from typed camelCase fields, so enum values are checked at
 * compile time; fields left undefined are left out.
 * @example withTask(taskAttributes({ taskType: TaskType.TESTING, model: 'gpt-4o', provider: Provider.OPENAI }), run)
 */
export function taskAttributes(fields: TaskAttributeFields): TaskSpanAttributes {
  const attributes: Attributes = {};
  for (const name of Object.keys(fields) as Array<keyof TaskAttributeFields>) {
    // Own keys only: a field named like an Object.prototype member (constructor) names no key.
    const key = Object.hasOwn(KEYS, name) ? KEYS[name] : undefined;
    const value = fields[name];
    if (key === undefined || value === undefined) continue;
    attributes[key] = Array.isArray(value) ? [...value] : (value as string | number | boolean);
  }
  return attributes as TaskSpanAttributes;
}

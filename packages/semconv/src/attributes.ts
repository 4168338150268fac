/**
 * Span attribute keys a caller puts on a task span (docs/semantic-conventions.md).
 * GenAI keys are vendored here because upstream marks its GenAI exports deprecated.
 */

/** Marks a span as a task span; value is a `TaskType`. @example span.setAttribute(ATTR_MOSAIC_TASK_TYPE, 'implementation') */
export const ATTR_MOSAIC_TASK_TYPE = 'mosaic.task.type' as const;
/** Task complexity; value is a `Complexity`. @example 'high' */
export const ATTR_MOSAIC_TASK_COMPLEXITY = 'mosaic.task.complexity' as const;
/** Task outcome; value is an `Outcome`. @example 'success' */
export const ATTR_MOSAIC_TASK_OUTCOME = 'mosaic.task.outcome' as const;
/** Number of retries the task needed (int). @example 1 */
export const ATTR_MOSAIC_TASK_RETRY_COUNT = 'mosaic.task.retry_count' as const;
/** Main programming language of the task (string, <= 30 chars). @example 'typescript' */
export const ATTR_MOSAIC_TASK_LANGUAGE = 'mosaic.task.language' as const;
/** Repository size bucket; value is a `RepoSizeCategory`. @example 'medium' */
export const ATTR_MOSAIC_TASK_REPO_SIZE = 'mosaic.task.repo_size' as const;
/** The harness that ran the task; value is a `Harness`. @example 'claude_code' */
export const ATTR_MOSAIC_HARNESS = 'mosaic.harness' as const;
/** Estimated input tokens (int). @example 12000 */
export const ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT = 'mosaic.tokens.estimated_input' as const;
/** Estimated output tokens (int). @example 3000 */
export const ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT = 'mosaic.tokens.estimated_output' as const;
/** Estimated cost in micro-dollars (int). @example 45000 */
export const ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS = 'mosaic.cost.estimated_usd_micros' as const;
/** Actual cost in micro-dollars (int). @example 51000 */
export const ATTR_MOSAIC_COST_ACTUAL_USD_MICROS = 'mosaic.cost.actual_usd_micros' as const;
/** Whether all quality gates passed (bool). @example true */
export const ATTR_MOSAIC_QUALITY_PASSED = 'mosaic.quality.passed' as const;
/** Quality gates run (string[] of `QualityGate`). @example ['build', 'test'] */
export const ATTR_MOSAIC_QUALITY_GATES_RUN = 'mosaic.quality.gates_run' as const;
/** Quality gates that failed (string[] of `QualityGate`). @example ['lint'] */
export const ATTR_MOSAIC_QUALITY_GATES_FAILED = 'mosaic.quality.gates_failed' as const;
/** Context compactions during the task (int, 0..100). @example 2 */
export const ATTR_MOSAIC_CONTEXT_COMPACTIONS = 'mosaic.context.compactions' as const;
/** Context rotations during the task (int, 0..50). @example 0 */
export const ATTR_MOSAIC_CONTEXT_ROTATIONS = 'mosaic.context.rotations' as const;
/** Final context window utilization (double, 0..1). @example 0.62 */
export const ATTR_MOSAIC_CONTEXT_UTILIZATION = 'mosaic.context.utilization' as const;

/** GenAI: model requested. @example 'claude-sonnet-4-5' */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
/** GenAI: model that answered. @example 'gpt-4o-2024-08-06' */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
/** GenAI: provider name. @example 'anthropic' */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
/** GenAI (legacy): provider system, superseded by `gen_ai.provider.name`. @example 'openai' */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system' as const;
/** GenAI: input tokens used (int). @example 1200 */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
/** GenAI: output tokens used (int). @example 300 */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
/** GenAI: operation name (`chat`, `invoke_agent`, ...). @example 'chat' */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;

/**
 * Every span attribute key the exporter may read from a task span. Nothing else on a span can
 * reach the wire.
 */
export const TASK_SPAN_ATTRIBUTE_ALLOWLIST = [
  ATTR_MOSAIC_TASK_TYPE,
  ATTR_MOSAIC_TASK_COMPLEXITY,
  ATTR_MOSAIC_TASK_OUTCOME,
  ATTR_MOSAIC_TASK_RETRY_COUNT,
  ATTR_MOSAIC_TASK_LANGUAGE,
  ATTR_MOSAIC_TASK_REPO_SIZE,
  ATTR_MOSAIC_HARNESS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  ATTR_MOSAIC_QUALITY_PASSED,
  ATTR_MOSAIC_QUALITY_GATES_RUN,
  ATTR_MOSAIC_QUALITY_GATES_FAILED,
  ATTR_MOSAIC_CONTEXT_COMPACTIONS,
  ATTR_MOSAIC_CONTEXT_ROTATIONS,
  ATTR_MOSAIC_CONTEXT_UTILIZATION,
] as const;
/** One allowlisted task-span attribute key. */
export type TaskSpanAttributeKey = (typeof TASK_SPAN_ATTRIBUTE_ALLOWLIST)[number];

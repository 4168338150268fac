/**
 * Wire enums of the Mosaic Telemetry event schema 1.0.
 * Each is a const object (use `TaskType.IMPLEMENTATION`) and a union type of its values.
 */

/** Kind of coding task. @example TaskType.IMPLEMENTATION */
export const TaskType = {
  PLANNING: 'planning',
  IMPLEMENTATION: 'implementation',
  CODE_REVIEW: 'code_review',
  TESTING: 'testing',
  DEBUGGING: 'debugging',
  REFACTORING: 'refactoring',
  DOCUMENTATION: 'documentation',
  CONFIGURATION: 'configuration',
  SECURITY_AUDIT: 'security_audit',
  UNKNOWN: 'unknown',
} as const;
export type TaskType = (typeof TaskType)[keyof typeof TaskType];

/** How hard the task is. @example Complexity.MEDIUM */
export const Complexity = {
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
} as const;
export type Complexity = (typeof Complexity)[keyof typeof Complexity];

/** The tool that ran the task. @example Harness.CLAUDE_CODE */
export const Harness = {
  CLAUDE_CODE: 'claude_code',
  OPENCODE: 'opencode',
  KILO_CODE: 'kilo_code',
  AIDER: 'aider',
  API_DIRECT: 'api_direct',
  OLLAMA_LOCAL: 'ollama_local',
  CUSTOM: 'custom',
  UNKNOWN: 'unknown',
} as const;
export type Harness = (typeof Harness)[keyof typeof Harness];

/** The model provider. @example Provider.ANTHROPIC */
export const Provider = {
  ANTHROPIC: 'anthropic',
  OPENAI: 'openai',
  OPENROUTER: 'openrouter',
  OLLAMA: 'ollama',
  GOOGLE: 'google',
  MISTRAL: 'mistral',
  CUSTOM: 'custom',
  UNKNOWN: 'unknown',
} as const;
export type Provider = (typeof Provider)[keyof typeof Provider];

/** How the task ended. @example Outcome.SUCCESS */
export const Outcome = {
  SUCCESS: 'success',
  FAILURE: 'failure',
  PARTIAL: 'partial',
  TIMEOUT: 'timeout',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A quality gate the task ran. @example QualityGate.TEST */
export const QualityGate = {
  BUILD: 'build',
  LINT: 'lint',
  TEST: 'test',
  COVERAGE: 'coverage',
  TYPECHECK: 'typecheck',
  SECURITY: 'security',
} as const;
export type QualityGate = (typeof QualityGate)[keyof typeof QualityGate];

/** Size bucket of the repository the task ran in. @example RepoSizeCategory.MEDIUM */
export const RepoSizeCategory = {
  TINY: 'tiny',
  SMALL: 'small',
  MEDIUM: 'medium',
  LARGE: 'large',
  HUGE: 'huge',
} as const;
export type RepoSizeCategory = (typeof RepoSizeCategory)[keyof typeof RepoSizeCategory];

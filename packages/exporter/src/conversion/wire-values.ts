import {
  Complexity,
  Harness,
  Outcome,
  Provider,
  RepoSizeCategory,
  TaskType,
} from '@mosaicstack/telemetry-semconv';

// The wire values of each schema enum as sets, built once for every membership check here.

/** Every `TaskType` wire value. */
export const TASK_TYPES: ReadonlySet<unknown> = new Set(Object.values(TaskType));
/** Every `Complexity` wire value. */
export const COMPLEXITIES: ReadonlySet<unknown> = new Set(Object.values(Complexity));
/** Every `Harness` wire value. */
export const HARNESSES: ReadonlySet<unknown> = new Set(Object.values(Harness));
/** Every `Provider` wire value. */
export const PROVIDERS: ReadonlySet<unknown> = new Set(Object.values(Provider));
/** Every `Outcome` wire value. */
export const OUTCOMES: ReadonlySet<unknown> = new Set(Object.values(Outcome));
/** Every `RepoSizeCategory` wire value. */
export const REPO_SIZES: ReadonlySet<unknown> = new Set(Object.values(RepoSizeCategory));

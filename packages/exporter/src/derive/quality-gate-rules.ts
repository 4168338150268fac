import type { QualityGate } from '@mosaicstack/telemetry-semconv';

/** One row of the command table: a program, the subcommand it starts with, and its gates. */
export interface GateRule {
  /** The program (file name, path stripped) then the subcommand words it must start with. */
  readonly command: string;
  /** An option that must be present too (compared case-insensitively, `--noEmit`). */
  readonly option?: string;
  /** The argument after `command` is a script or target name, classified by `SCRIPT_GATES`. */
  readonly script?: true;
  /** The gates the command runs; empty for a subcommand that is not a gate. */
  readonly gates: readonly QualityGate[];
}

/**
 * Every command that counts as a quality gate, first matching row wins. Wrappers are removed
 * before matching (see `classifyCommand`): env assignments, `npx`, `pnpm exec`, `bunx`, `uv run`,
 * `poetry run`, `python -m`, `bash -c`, `c8`/`nyc` and `coverage run` (which add coverage).
 */
export const GATE_RULES: readonly GateRule[] = [
  { command: 'npm run', script: true, gates: [] },
  { command: 'npm run-script', script: true, gates: [] },
  { command: 'npm test', gates: ['test'] },
  { command: 'npm t', gates: ['test'] },
  { command: 'npm audit', gates: ['security'] },
  { command: 'pnpm run', script: true, gates: [] },
  { command: 'pnpm', script: true, gates: [] },
  { command: 'yarn run', script: true, gates: [] },
  { command: 'yarn', script: true, gates: [] },
  { command: 'bun test', gates: ['test'] },
  { command: 'bun run', script: true, gates: [] },
  { command: 'bun', script: true, gates: [] },
  { command: 'deno test', gates: ['test'] },
  { command: 'deno lint', gates: ['lint'] },
  { command: 'deno check', gates: ['typecheck'] },
  { command: 'deno task', script: true, gates: [] },
  { command: 'turbo run', script: true, gates: [] },
  { command: 'turbo', script: true, gates: [] },
  { command: 'nx', script: true, gates: [] },
  { command: 'make', script: true, gates: [] },
  { command: 'just', script: true, gates: [] },
  { command: 'vitest', gates: ['test'] },
  { command: 'jest', gates: ['test'] },
  { command: 'mocha', gates: ['test'] },
  { command: 'ava', gates: ['test'] },
  { command: 'playwright test', gates: ['test'] },
  { command: 'cypress run', gates: ['test'] },
  { command: 'node', option: '--test', gates: ['test'] },
  { command: 'pytest', gates: ['test'] },
  { command: 'py.test', gates: ['test'] },
  { command: 'unittest', gates: ['test'] },
  { command: 'tox', gates: ['test'] },
  { command: 'go test', gates: ['test'] },
  { command: 'go vet', gates: ['lint'] },
  { command: 'go build', gates: ['build'] },
  { command: 'cargo test', gates: ['test'] },
  { command: 'cargo nextest', gates: ['test'] },
  { command: 'cargo build', gates: ['build'] },
  { command: 'cargo check', gates: ['typecheck'] },
  { command: 'cargo clippy', gates: ['lint'] },
  { command: 'cargo tarpaulin', gates: ['test', 'coverage'] },
  { command: 'cargo llvm-cov', gates: ['test', 'coverage'] },
  { command: 'cargo audit', gates: ['security'] },
  { command: 'mvn test', gates: ['test'] },
  { command: 'mvn verify', gates: ['build', 'test'] },
  { command: 'mvn compile', gates: ['build'] },
  { command: 'mvn package', gates: ['build'] },
  { command: 'mvn install', gates: ['build'] },
  { command: 'mvnw test', gates: ['test'] },
  { command: 'mvnw verify', gates: ['build', 'test'] },
  { command: 'mvnw compile', gates: ['build'] },
  { command: 'mvnw package', gates: ['build'] },
  { command: 'mvnw install', gates: ['build'] },
  { command: 'gradle test', gates: ['test'] },
  { command: 'gradle check', gates: ['test'] },
  { command: 'gradle build', gates: ['build'] },
  { command: 'gradle assemble', gates: ['build'] },
  { command: 'gradlew test', gates: ['test'] },
  { command: 'gradlew check', gates: ['test'] },
  { command: 'gradlew build', gates: ['build'] },
  { command: 'gradlew assemble', gates: ['build'] },
  { command: 'dotnet test', gates: ['test'] },
  { command: 'dotnet build', gates: ['build'] },
  { command: 'swift test', gates: ['test'] },
  { command: 'swift build', gates: ['build'] },
  { command: 'ctest', gates: ['test'] },
  { command: 'cmake', option: '--build', gates: ['build'] },
  { command: 'rspec', gates: ['test'] },
  { command: 'phpunit', gates: ['test'] },
  { command: 'tsc', option: '--noEmit', gates: ['typecheck'] },
  { command: 'tsc', gates: ['build'] },
  { command: 'vue-tsc', option: '--noEmit', gates: ['typecheck'] },
  { command: 'vue-tsc', gates: ['build'] },
  { command: 'mypy', gates: ['typecheck'] },
  { command: 'pyright', gates: ['typecheck'] },
  { command: 'basedpyright', gates: ['typecheck'] },
  { command: 'eslint', gates: ['lint'] },
  { command: 'biome check', gates: ['lint'] },
  { command: 'biome lint', gates: ['lint'] },
  { command: 'biome ci', gates: ['lint'] },
  { command: 'prettier', option: '--check', gates: ['lint'] },
  { command: 'ruff format', gates: [] },
  { command: 'ruff', gates: ['lint'] },
  { command: 'flake8', gates: ['lint'] },
  { command: 'pylint', gates: ['lint'] },
  { command: 'golangci-lint', gates: ['lint'] },
  { command: 'staticcheck', gates: ['lint'] },
  { command: 'rubocop', gates: ['lint'] },
  { command: 'c8', gates: ['coverage'] },
  { command: 'nyc', gates: ['coverage'] },
  { command: 'coverage', gates: ['coverage'] },
  { command: 'pip-audit', gates: ['security'] },
  { command: 'bandit', gates: ['security'] },
  { command: 'semgrep', gates: ['security'] },
  { command: 'trivy', gates: ['security'] },
  { command: 'gitleaks', gates: ['security'] },
  { command: 'govulncheck', gates: ['security'] },
  { command: 'snyk test', gates: ['security'] },
  { command: 'osv-scanner', gates: ['security'] },
];

/**
 * Script, task and target names (`npm run <name>`, `make <name>`) that are gates, matched on the
 * whole name or its part before the first `:` (`test:unit`); a `coverage` or `cov` part anywhere
 * (`test:coverage`) adds coverage. A name not listed is read as the program it most likely runs
 * (`pnpm vitest run`, or a script named `eslint`).
 */
export const SCRIPT_GATES: ReadonlyMap<string, readonly QualityGate[]> = new Map<
  string,
  readonly QualityGate[]
>([
  ['test', ['test']],
  ['tests', ['test']],
  ['e2e', ['test']],
  ['lint', ['lint']],
  ['eslint', ['lint']],
  ['build', ['build']],
  ['compile', ['build']],
  ['typecheck', ['typecheck']],
  ['type-check', ['typecheck']],
  ['check-types', ['typecheck']],
  ['types', ['typecheck']],
  ['tsc', ['typecheck']],
  ['coverage', ['test', 'coverage']],
  ['cov', ['test', 'coverage']],
  ['audit', ['security']],
  ['security', ['security']],
]);

/** Options that switch on coverage when a test command carries them. */
export const COVERAGE_OPTIONS: readonly RegExp[] = [
  /^--coverage(?:=|$)/,
  /^--cov(?:=|$)/,
  /^-cover(?:profile|pkg|mode)?(?:=|$)/,
  /^--experimental-test-coverage$/,
];

import type { QualityGate } from '@mosaicstack/telemetry-semconv';
import { inGateOrder } from './gate-order.js';
import { COVERAGE_OPTIONS, GATE_RULES, type GateRule, SCRIPT_GATES } from './quality-gate-rules.js';
import { shellSegments } from './shell-segments.js';

/** `NAME=value` before a command. */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Shell keywords and reserved words that may stand before a command. */
const LEADING_WORDS = new Set([
  '{',
  '}',
  '!',
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
]);

/** Wrappers that run the command after their own options (and, for `timeout`, its duration). */
const PREFIXES: readonly string[] = [
  'time',
  'exec',
  'command',
  'builtin',
  'nohup',
  'sudo',
  'env',
  'cross-env',
  'timeout',
  'nice',
  'npx',
  'pnpx',
  'bunx',
  'uvx',
  'npm exec',
  'pnpm exec',
  'pnpm dlx',
  'yarn exec',
  'yarn dlx',
  'bun x',
  'uv run',
  'poetry run',
  'pipenv run',
  'pdm run',
  'hatch run',
  'bundle exec',
];

/** Options whose value is the next word, skipped with it when looking for a subcommand. */
const VALUE_OPTIONS = new Set([
  '-C',
  '-F',
  '--filter',
  '--prefix',
  '--dir',
  '-w',
  '--workspace',
  '--cwd',
  '-f',
  '--file',
  '--project',
  '--manifest-path',
]);

/** Nested `bash -c`, `c8`, `coverage run` and script fallbacks followed at most this deep. */
const MAX_DEPTH = 4;

/** A program's name as rules spell it: no directory, no Windows launcher suffix. */
function programName(word: string): string {
  const base = word.slice(Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1);
  return base.replace(/\.(?:exe|cmd|bat)$/i, '');
}

/**
 * The arguments that are not options (nor values of `VALUE_OPTIONS`), in order, without a
 * `clean` goal before others (`mvn clean verify`, `./gradlew clean test`).
 */
function positionals(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith('-') || arg.startsWith('+')) {
      if (VALUE_OPTIONS.has(arg)) i++;
    } else if (arg !== 'clean' || out.length > 0) out.push(arg);
  }
  return out;
}

/** The words after a wrapper's own options, env assignments and duration. */
function afterOptions(words: readonly string[], wrapper: string): string[] {
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    const isDuration = (wrapper === 'timeout' || wrapper === 'nice') && /^\d/.test(word);
    if (!word.startsWith('-') && !ENV_ASSIGNMENT.test(word) && !isDuration) break;
    if (wrapper === 'nice' && word === '-n') i++;
    i++;
  }
  return words.slice(i);
}

/** The words with leading keywords, env assignments and wrappers removed. */
function unwrap(input: readonly string[]): string[] {
  let words = [...input];
  for (;;) {
    const first = words[0];
    if (first === undefined) return words;
    if (LEADING_WORDS.has(first) || ENV_ASSIGNMENT.test(first)) {
      words = words.slice(1);
      continue;
    }
    const program = programName(first);
    const prefix = PREFIXES.find((p) => {
      const [name, sub] = p.split(' ');
      return name === program && (sub === undefined || words[1] === sub);
    });
    if (prefix === undefined) return words;
    const wrapper = prefix.split(' ')[0] as string;
    words = afterOptions(words.slice(prefix.split(' ').length), wrapper);
  }
}

/** A script, task or target name's gates (see `SCRIPT_GATES`). */
function scriptGates(name: string): readonly QualityGate[] {
  const lower = name.toLowerCase();
  const parts = lower.split(':');
  const gates = new Set(SCRIPT_GATES.get(lower) ?? SCRIPT_GATES.get(parts[0] as string) ?? []);
  if (gates.size > 0 && parts.some((part) => part === 'coverage' || part === 'cov')) {
    gates.add('coverage');
  }
  return [...gates];
}

/** Whether `rule`'s option is among the arguments. */
function hasOption(args: readonly string[], option: string): boolean {
  const wanted = option.toLowerCase();
  return args.some((arg) => {
    const lower = arg.toLowerCase();
    return lower === wanted || lower.startsWith(`${wanted}=`);
  });
}

/** The gates of one rule for the arguments, or `undefined` when the rule does not match them. */
function ruleGates(
  rule: GateRule,
  program: string,
  args: readonly string[],
  depth: number,
): readonly QualityGate[] | undefined {
  const [ruleProgram, ...subcommands] = rule.command.split(' ');
  if (ruleProgram !== program) return undefined;
  const positional = positionals(args);
  if (subcommands.some((sub, i) => positional[i] !== sub)) return undefined;
  if (rule.option !== undefined && !hasOption(args, rule.option)) return undefined;
  if (rule.script !== true) return rule.gates;
  const name = positional[subcommands.length];
  if (name === undefined) return undefined;
  const gates = scriptGates(name);
  if (gates.length > 0) return gates;
  return wordGates(args.slice(args.indexOf(name)), depth + 1);
}

/** The gates of one simple command's words. */
function wordGates(input: readonly string[], depth: number): QualityGate[] {
  if (depth > MAX_DEPTH) return [];
  const words = unwrap(input);
  const first = words[0];
  if (first === undefined) return [];
  let program = programName(first);
  let args = words.slice(1);
  if (/^(?:python[\d.]*|py)$/.test(program)) {
    const module = args.indexOf('-m');
    if (module === -1 || args[module + 1] === undefined) return [];
    program = (args[module + 1] as string).replaceAll('_', '-');
    args = args.slice(module + 2);
  }
  if (/^(?:ba|z|da)?sh$/.test(program)) {
    const flag = args.findIndex((arg) => /^-[a-z]*c[a-z]*$/.test(arg));
    const script = flag === -1 ? undefined : args[flag + 1];
    return script === undefined ? [] : commandGates(script, depth + 1);
  }
  const gates = new Set<QualityGate>();
  if ((program === 'c8' || program === 'nyc') && positionals(args)[0] !== 'report') {
    for (const gate of wordGates(afterOptions(args, program), depth + 1)) gates.add(gate);
  }
  if (program === 'coverage' && positionals(args)[0] === 'run' && args.includes('-m')) {
    const run = args.slice(args.indexOf('-m'));
    for (const gate of wordGates(['python', ...run], depth + 1)) gates.add(gate);
  }
  for (const rule of GATE_RULES) {
    const matched = ruleGates(rule, program, args, depth);
    if (matched === undefined) continue;
    for (const gate of matched) gates.add(gate);
    break;
  }
  if (gates.has('test') && args.some((arg) => COVERAGE_OPTIONS.some((re) => re.test(arg)))) {
    gates.add('coverage');
  }
  return inGateOrder(gates);
}

/** The gates of a whole command line at some nesting depth. */
function commandGates(command: string, depth: number): QualityGate[] {
  const gates = new Set<QualityGate>();
  for (const segment of shellSegments(command)) {
    for (const gate of wordGates(segment, depth)) gates.add(gate);
  }
  return inGateOrder(gates);
}

/**
 * The quality gates a shell command runs, by the command table `GATE_RULES`: each part of a
 * compound command (`&&`, `||`, `;`, pipes, subshells, `bash -c`) counts, wrappers such as `npx`,
 * `uv run` or `FOO=1` are looked through, and anything else (`cat test.txt`, `echo lint`) is no
 * gate. Only gate names come out: the command text is read here and kept nowhere.
 */
export function classifyCommand(command: string): QualityGate[] {
  return commandGates(command, 0);
}

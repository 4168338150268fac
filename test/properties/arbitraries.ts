import {
  Complexity,
  Harness,
  Outcome,
  QualityGate,
  RepoSizeCategory,
  TASK_SPAN_ATTRIBUTE_ALLOWLIST,
  TaskType,
} from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';

const ALLOWED: ReadonlySet<string> = new Set(TASK_SPAN_ATTRIBUTE_ALLOWLIST);

/** Strings of every shape: ascii, full unicode, lone surrogates, blank, huge. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u{1F600}'.repeat(300), '\ud800', ' implementation '),
  fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers of every shape: integers, doubles, NaN, +-Infinity, -0, huge, tiny. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER + 2,
    -1,
    0.5,
    1e300,
  ),
);

/** Values the schema would take for some allowlisted key: enum words, sane counts, gates. */
const schemaLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    ...Object.values(TaskType),
    ...Object.values(Complexity),
    ...Object.values(Outcome),
    ...Object.values(Harness),
    ...Object.values(RepoSizeCategory),
    'anthropic',
    'gcp.vertex_ai',
    'claude-sonnet-4-5',
  ),
  fc.integer({ min: 0, max: 2_000_000 }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.array(fc.constantFrom(...Object.values(QualityGate), 'nonsense')),
);

/**
 * Every kind of OTel attribute value (and a few the SDK refuses): scalars, homogeneous arrays,
 * arrays with holes, mixed arrays, objects, null, undefined.
 */
export const anyAttributeValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  anyNumber,
  fc.boolean(),
  schemaLike,
  fc.array(anyString, { maxLength: 5 }),
  fc.array(anyNumber, { maxLength: 5 }),
  fc.array(fc.boolean(), { maxLength: 5 }),
  fc.array(fc.oneof(anyString, fc.constant(null), fc.constant(undefined)), { maxLength: 5 }),
  fc.array(fc.oneof(anyString, anyNumber, fc.boolean()), { maxLength: 5 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
);

/** A map of allowlisted keys to arbitrary values. */
export const allowlistedAttributes = fc.dictionary(
  fc.constantFrom(...TASK_SPAN_ATTRIBUTE_ALLOWLIST),
  anyAttributeValue,
  { maxKeys: TASK_SPAN_ATTRIBUTE_ALLOWLIST.length },
);

/** Content-bearing keys real instrumentations set, the ones a leak would most likely come from. */
const SENSITIVE_KEYS = [
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'ai.prompt',
  'ai.response.text',
  'user.id',
  'user.email',
  'code.filepath',
  'mosaic.task.description',
  'MOSAIC.TASK.LANGUAGE',
  'mosaic.task.language ',
  'gen_ai.request.model.secret',
] as const;

/** Any other key, never an allowlisted one. */
const foreignKey: fc.Arbitrary<string> = fc
  .oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 20 }))
  .filter((key) => !ALLOWED.has(key));

/**
 * Values of non-allowlisted keys, each carrying `marker` at its start wherever a string can (so a
 * leak survives truncation); numbers and booleans are there for type coverage only.
 */
export function markedValue(marker: string): fc.Arbitrary<unknown> {
  const marked = anyString.map((s) => `${marker}${s}`);
  return fc.oneof(
    { weight: 4, arbitrary: marked },
    { weight: 2, arbitrary: fc.array(marked, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: anyNumber },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * Non-allowlisted attributes: most of the sensitive keys plus arbitrary ones (some named after
 * the marker), all with marked values.
 */
export function foreignAttributes(marker: string): fc.Arbitrary<Record<string, unknown>> {
  const value = markedValue(marker);
  const sensitive = fc.record(
    Object.fromEntries(SENSITIVE_KEYS.map((key) => [key, value])) as Record<
      (typeof SENSITIVE_KEYS)[number],
      fc.Arbitrary<unknown>
    >,
    { requiredKeys: [] },
  );
  const arbitrary = fc.dictionary(
    fc.oneof(
      foreignKey,
      foreignKey.map((k) => `${marker}${k}`),
    ),
    value,
    { maxKeys: 6 },
  );
  return fc.tuple(sensitive, arbitrary).map(([a, b]) => ({ ...b, ...a }));
}

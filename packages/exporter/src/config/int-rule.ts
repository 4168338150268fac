/** An option that is an integer in a range. */
export interface IntRule {
  readonly min: number;
  readonly max: number;
}

/** A value as it may appear in a message: JSON where possible, never a throw (BigInt, cycles). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? `a ${typeof value}`;
  } catch {
    return `a ${typeof value} that cannot be shown`;
  }
}

/**
 * The integer option `name`: `fallback` when not given (undefined or null); when not an integer
 * within `rule`, `fallback` too, with a problem naming the option, the range and the value.
 */
export function checkInt(
  name: string,
  value: unknown,
  rule: IntRule,
  fallback: number,
  problems: string[],
): number {
  if (value === undefined || value === null) return fallback;
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= rule.min &&
    value <= rule.max
  ) {
    return value;
  }
  problems.push(
    `${name}: expected an integer from ${rule.min} to ${rule.max}, got ${show(value)}; fix the option or remove it to use the default ${fallback}`,
  );
  return fallback;
}

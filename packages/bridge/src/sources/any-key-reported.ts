/** Whether some key of a keyed task is one another task reported (see `Source.isCovered`). */
export function anyKeyReported(
  coverKeys: ReadonlySet<string>,
  reported: (key: string) => boolean,
): boolean {
  for (const key of coverKeys) if (reported(key)) return true;
  return false;
}

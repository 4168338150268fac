import { createHash } from 'node:crypto';
import { languageOfFiles, type TouchedFile } from '../model/exporter-core.js';
import type { TaskActivity } from '../model/task-activity.js';

/** The longest path read (as `languageOfFiles` reads); a longer one is no file a task touched. */
const MAX_PATH_LENGTH = 4_096;

/** The language a lone file of this name is in, or null. */
const languageOf = (name: string): string | null =>
  languageOfFiles([{ path: name, edited: false }]);

/**
 * The part of a file name that decides its language: the first extension (from the first dot)
 * that names one (`x.ts`, `x.d.ts`), or the whole name when it is a known file name of another
 * language (`makefile`, `dockerfile`), or undefined when neither names a language.
 */
function languageKey(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH) return undefined;
  const name = path
    .slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
    .toLowerCase();
  let byExtension: string | undefined;
  for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1)) {
    if (languageOf(`x${name.slice(dot)}`) !== null) {
      byExtension = `x${name.slice(dot)}`;
      break;
    }
  }
  const byName = languageOf(name);
  if (byName === null) return undefined;
  if (byExtension !== undefined && languageOf(byExtension) === byName) return byExtension;
  return name;
}

/**
 * The files a tool read or changed, each reduced to what `languageOfFiles` needs: a short one-way
 * digest of its path (so two touches of one file count once) and its language key; undefined when
 * no name names a language. The paths are read here and kept nowhere.
 */
export function fileActivity(
  id: string,
  atMs: number,
  paths: readonly string[],
  edited: boolean,
): TaskActivity | undefined {
  const files: TouchedFile[] = [];
  for (const path of paths) {
    const key = languageKey(path);
    if (key === undefined) continue;
    const digest = createHash('sha256').update(path).digest('hex').slice(0, 16);
    files.push({ path: `${digest}/${key}`, edited });
  }
  return files.length === 0 ? undefined : { id, atMs, files };
}

import { LANGUAGE_TABLE } from './language-table.js';

/** A file the agent read or edited: its path and whether the agent changed it. */
export interface TouchedFile {
  /** The file's path, absolute or relative, `/` or `\` separated. */
  path: string;
  /** Whether the agent wrote or edited it (else it only read it). */
  edited: boolean;
}

/** The candidate languages of each extension and file name, most preferred first. */
interface LanguageIndex {
  readonly byExtension: ReadonlyMap<string, readonly string[]>;
  readonly byFileName: ReadonlyMap<string, readonly string[]>;
}

/** The longest paths read; a longer path is no file name a task edits. */
const MAX_PATH_LENGTH = 4_096;

let index: LanguageIndex | undefined;

/** Adds `language` to the candidates of each key. */
function addAll(map: Map<string, string[]>, keys: string, language: string): void {
  for (const key of keys.split(' ')) {
    if (key === '') continue;
    const candidates = map.get(key);
    if (candidates === undefined) map.set(key, [language]);
    else if (!candidates.includes(language)) candidates.push(language);
  }
}

/** The table's index, built at first use (about 1,100 extensions). */
function languageIndex(): LanguageIndex {
  if (index !== undefined) return index;
  const byExtension = new Map<string, string[]>();
  const byFileName = new Map<string, string[]>();
  for (const line of LANGUAGE_TABLE.split('\n')) {
    const [language, extensions, fileNames] = line.split('|');
    if (language === undefined || extensions === undefined || fileNames === undefined) continue;
    addAll(byExtension, extensions, language);
    addAll(byFileName, fileNames, language);
  }
  index = { byExtension, byFileName };
  return index;
}

/** The languages a path's file may be in, most preferred first; empty when none is known. */
function candidatesOf(path: string): readonly string[] {
  const { byExtension, byFileName } = languageIndex();
  const name = path
    .slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
    .toLowerCase();
  const byName = byFileName.get(name);
  if (byName !== undefined) return byName;
  for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1)) {
    const byExt = byExtension.get(name.slice(dot));
    if (byExt !== undefined) return byExt;
  }
  return [];
}

/** Per language: how many files are in it and how many of those were edited. */
interface Tally {
  files: number;
  edited: number;
}

/**
 * The language most of the files are in, by extension or file name from GitHub Linguist's data,
 * lower-case (`typescript`, `python`, `c++`): ties go to the language with more edited files, then
 * to the one seen first; `null` when no file is in a known programming or markup language. An
 * extension several languages share (`.h`, `.m`) counts for the one other files of the task are
 * in (the language most files could be in), else the most common one (`.h` is C). Only the language name comes out: the paths are read
 * here and kept nowhere.
 */
export function languageOfFiles(files: readonly TouchedFile[]): string | null {
  const edited = new Map<string, boolean>();
  for (const file of Array.isArray(files) ? files : []) {
    const path = file?.path;
    if (typeof path !== 'string' || path === '' || path.length > MAX_PATH_LENGTH) continue;
    edited.set(path, edited.get(path) === true || file.edited === true);
  }
  const touched = [...edited].map(([path, wasEdited]) => ({
    candidates: candidatesOf(path),
    edited: wasEdited,
  }));
  const support = new Map<string, number>();
  for (const { candidates } of touched) {
    for (const candidate of candidates) support.set(candidate, (support.get(candidate) ?? 0) + 1);
  }
  const tallies = new Map<string, Tally>();
  for (const { candidates, edited: wasEdited } of touched) {
    let language = candidates[0];
    if (language === undefined) continue;
    for (const candidate of candidates) {
      if ((support.get(candidate) ?? 0) > (support.get(language) ?? 0)) language = candidate;
    }
    const tally = tallies.get(language) ?? { files: 0, edited: 0 };
    tally.files++;
    if (wasEdited) tally.edited++;
    tallies.set(language, tally);
  }
  // Tallies iterate in the order their languages were first seen, so a full tie keeps the first.
  let best: string | null = null;
  let top: Tally = { files: 0, edited: 0 };
  for (const [language, tally] of tallies) {
    if (tally.files > top.files || (tally.files === top.files && tally.edited > top.edited)) {
      best = language;
      top = tally;
    }
  }
  return best;
}

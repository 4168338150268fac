import type { LogRecordLike } from '../../model/log-record-like.js';
import type { TaskActivity } from '../../model/task-activity.js';
import { fileActivity } from '../file-activity.js';
import { gateActivity } from '../gate-activity.js';
import { parseToolJson } from '../parse-tool-json.js';
import { flagAttr, textAttr } from '../read-attribute.js';

/** Codex's shell tools (`arguments` `{"cmd": "..."}` or `{"command": [...]}`). */
const SHELL_TOOLS = new Set(['exec_command', 'shell', 'local_shell', 'container.exec']);

/** A word as a shell reads it back: quoted unless it is plain. */
const shellWord = (word: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;

/** The command line of a shell tool's arguments: `cmd`, or `command` as a string or an argv. */
function commandOf(args: Record<string, unknown> | undefined): string | undefined {
  const value = args?.cmd ?? args?.command;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (!Array.isArray(value) || value.some((w) => typeof w !== 'string')) return undefined;
  return value.length === 0 ? undefined : (value as string[]).map(shellWord).join(' ');
}

/**
 * The exit code Codex wrote into a tool's output (`Process exited with code N`, `Exit code: N`
 * or a JSON `exit_code`), else undefined.
 */
function exitCodeOf(output: unknown): number | undefined {
  if (typeof output !== 'string') return undefined;
  const match =
    /Process exited with code (-?\d+)/.exec(output) ??
    /Exit code: (-?\d+)/.exec(output) ??
    /"exit_code"\s*:\s*(-?\d+)/.exec(output);
  return match === null ? undefined : Number(match[1]);
}

/** The files an `apply_patch` patch adds, updates or moves to (`*** Update File: <path>`). */
function patchedFiles(args: Record<string, unknown> | undefined, raw: unknown): string[] {
  const patch = typeof args?.input === 'string' ? args.input : typeof raw === 'string' ? raw : '';
  const files: string[] = [];
  for (const match of patch.matchAll(/^\*\*\* (?:Add File|Update File|Move to): (.+)$/gm)) {
    files.push((match[1] as string).trim());
  }
  return files;
}

/**
 * A `codex.tool_result` reduced to its activity: a shell command's gates and success (the exit
 * code in `output`, else `success`), or the files an `apply_patch` changed. Codex logs the
 * arguments and output by default; they are read here and kept nowhere.
 */
export function codexToolActivity(log: LogRecordLike): TaskActivity | undefined {
  const a = log.attributes;
  const tool = textAttr(a, 'tool_name');
  if (tool === undefined) return undefined;
  const id = `tool:${textAttr(a, 'call_id') ?? textAttr(a, 'event.timestamp') ?? log.timeMs}`;
  const args = parseToolJson(a, ['arguments']);
  if (SHELL_TOOLS.has(tool)) {
    const command = commandOf(args);
    const exit = exitCodeOf(a.output);
    const success = exit === undefined ? flagAttr(a, 'success') : exit === 0;
    if (command === undefined || success === undefined) return undefined;
    return gateActivity(id, log.timeMs, command, success);
  }
  if (tool !== 'apply_patch' || flagAttr(a, 'success') === false) return undefined;
  return fileActivity(id, log.timeMs, patchedFiles(args, a.arguments), true);
}

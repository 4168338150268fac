import type { LogRecordLike } from '../model/log-record-like.js';
import type { TaskActivity } from '../model/task-activity.js';
import { fileActivity } from './file-activity.js';
import { gateActivity } from './gate-activity.js';
import { parseToolJson, stringField } from './parse-tool-json.js';
import { flagAttr, textAttr } from './read-attribute.js';

/** Gemini CLI's tools that change the file they name. */
const EDIT_TOOLS = new Set(['write_file', 'replace', 'edit']);

/** Gemini CLI's tools that read or change one file (`file_path` or `absolute_path`). */
const FILE_TOOLS = new Set(['read_file', ...EDIT_TOOLS]);

/**
 * Whether a tool call's `metadata` JSON says it failed: Gemini CLI logs a shell command that exits
 * non-zero with `success: true` and `{"exitCode": 1, "isError": true}` there.
 */
function failedByMetadata(log: LogRecordLike): boolean {
  const metadata = parseToolJson(log.attributes, ['metadata']);
  const exit = metadata?.exitCode;
  return metadata?.isError === true || (typeof exit === 'number' && exit !== 0);
}

/**
 * A `gemini_cli.tool_call` reduced to its activity: a `run_shell_command`'s gates and success
 * (`success`, unless `metadata` names a non-zero exit code or an error), or a `read_file` /
 * `write_file` / `replace` file's language key, from `function_args` (read here and kept nowhere).
 */
export function geminiToolActivity(log: LogRecordLike): TaskActivity | undefined {
  const a = log.attributes;
  const tool = textAttr(a, 'function_name');
  const success = flagAttr(a, 'success');
  if (tool === undefined || success === undefined) return undefined;
  const id = `tool:${textAttr(a, 'event.timestamp') ?? log.timeMs}:${tool}`;
  const args = parseToolJson(a, ['function_args']);
  if (tool === 'run_shell_command') {
    const command = stringField(args, ['command']);
    if (command === undefined) return undefined;
    return gateActivity(id, log.timeMs, command, success && !failedByMetadata(log));
  }
  if (!FILE_TOOLS.has(tool) || !success) return undefined;
  const path = stringField(args, ['file_path', 'absolute_path', 'path']);
  return path === undefined
    ? undefined
    : fileActivity(id, log.timeMs, [path], EDIT_TOOLS.has(tool));
}

import type { LogRecordLike } from '../../model/log-record-like.js';
import type { TaskActivity } from '../../model/task-activity.js';
import { fileActivity } from '../file-activity.js';
import { gateActivity } from '../gate-activity.js';
import { parseToolJson, stringField } from '../parse-tool-json.js';
import { flagAttr, textAttr } from '../read-attribute.js';

/** Claude Code's tools that change the file they name. */
const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);

/** Claude Code's tools that read or change a file (`file_path`, `notebook_path`). */
const FILE_TOOLS = new Set(['Read', ...EDIT_TOOLS]);

/**
 * A Claude Code `tool_result` reduced to its activity: a `Bash` command's gates and success, or a
 * `Read` / `Edit` / `Write` / `MultiEdit` file's language key. The command and path are in
 * `tool_input` / `tool_parameters` only with `OTEL_LOG_TOOL_DETAILS=1`; without them, nothing.
 */
export function claudeToolActivity(log: LogRecordLike): TaskActivity | undefined {
  const a = log.attributes;
  const tool = textAttr(a, 'tool_name');
  const success = flagAttr(a, 'success');
  if (tool === undefined || success === undefined) return undefined;
  const id = `tool:${textAttr(a, 'tool_use_id') ?? String(a['event.sequence'] ?? log.timeMs)}`;
  if (tool === 'Bash') {
    const input = parseToolJson(a, ['tool_input', 'tool_parameters']);
    const command = stringField(input, ['command', 'full_command', 'bash_command']);
    return command === undefined ? undefined : gateActivity(id, log.timeMs, command, success);
  }
  if (!FILE_TOOLS.has(tool) || !success) return undefined;
  const input = parseToolJson(a, ['tool_input', 'tool_parameters']);
  const path = stringField(input, ['file_path', 'notebook_path']) ?? textAttr(a, 'file_path');
  return path === undefined
    ? undefined
    : fileActivity(id, log.timeMs, [path], EDIT_TOOLS.has(tool));
}

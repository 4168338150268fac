import type { SpanRecord } from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import type { TaskActivity } from '../model/task-activity.js';
import { fileActivity } from './file-activity.js';
import { gateActivity } from './gate-activity.js';
import { parseToolJson, stringField } from './parse-tool-json.js';
import { textAttr } from './read-attribute.js';

/** Copilot CLI's tools that change the file they name (`path`). */
const EDIT_TOOLS = new Set(['create', 'edit']);

/** Copilot CLI's tools that read or change one file (`path`). */
const FILE_TOOLS = new Set(['view', ...EDIT_TOOLS]);

/** An integer exit code (Copilot sends `process.exit.code` as an int), else undefined. */
function exitCodeOf(span: SpanRecord): number | undefined {
  const value = span.attributes['process.exit.code'];
  const n = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/**
 * A Copilot CLI `execute_tool` span reduced to its activity: a `bash` command's gates and success
 * (`process.exit.code`, which it always sends; the command only with
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`), or the language key of the file a
 * `view` / `create` / `edit` names (`path`, with the same setting). The arguments are read here
 * and kept nowhere.
 */
export function copilotToolActivity(span: SpanRecord): TaskActivity | undefined {
  const a = span.attributes;
  if (a['gen_ai.operation.name'] !== 'execute_tool') return undefined;
  const tool = textAttr(a, 'gen_ai.tool.name');
  if (tool === undefined) return undefined;
  const id = `tool:${textAttr(a, 'gen_ai.tool.call.id') ?? span.spanId}`;
  const args = parseToolJson(a, ['gen_ai.tool.call.arguments']);
  const failed = span.statusCode === SPAN_STATUS_ERROR;
  if (tool === 'bash') {
    const command =
      stringField(args, ['command']) ?? textAttr(a, 'github.copilot.tool.parameters.command');
    const exit = exitCodeOf(span);
    if (command === undefined) return undefined;
    return gateActivity(id, span.endTimeMs, command, exit === undefined ? !failed : exit === 0);
  }
  if (!FILE_TOOLS.has(tool) || failed) return undefined;
  const path =
    stringField(args, ['path']) ?? textAttr(a, 'github.copilot.tool.parameters.file_path');
  return path === undefined
    ? undefined
    : fileActivity(id, span.endTimeMs, [path], EDIT_TOOLS.has(tool));
}

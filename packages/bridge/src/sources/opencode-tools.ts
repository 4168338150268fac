import type { SpanRecord } from '../model/exporter-core.js';
import { SPAN_STATUS_ERROR } from '../model/span-status.js';
import type { TaskActivity } from '../model/task-activity.js';
import { fileActivity } from './file-activity.js';
import { gateActivity } from './gate-activity.js';
import { parseToolJson, stringField } from './parse-tool-json.js';
import { textAttr } from './read-attribute.js';

/** The AI SDK's span of one tool call. */
export const OPENCODE_TOOL_SPAN = 'ai.toolCall';

/** OpenCode's tools that change the file they name (`filePath`). */
const EDIT_TOOLS = new Set(['edit', 'write']);

/** OpenCode's tools that read or change one file (`filePath`). */
const FILE_TOOLS = new Set(['read', ...EDIT_TOOLS]);

/** The files an `apply_patch` patch adds, updates or moves to (`*** Update File: <path>`). */
const PATCH_FILE = /^\*\*\* (?:Add File|Update File|Move to): (.+)$/gm;

/** The shell exit code in a `bash` result (`metadata.exit`), when it is an integer. */
function exitCodeOf(result: Record<string, unknown> | undefined): number | undefined {
  const metadata = result?.metadata;
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const exit = (metadata as Record<string, unknown>).exit;
  return typeof exit === 'number' && Number.isInteger(exit) ? exit : undefined;
}

/**
 * An OpenCode `ai.toolCall` span reduced to its activity: a `bash` command's gates and success
 * (the result's `metadata.exit`, else the span status), or the language keys of the files a
 * `read` / `edit` / `write` (`filePath`) or `apply_patch` (`patchText`) names. Arguments and
 * result are read here and kept nowhere.
 */
export function openCodeToolActivity(span: SpanRecord): TaskActivity | undefined {
  if (span.name !== OPENCODE_TOOL_SPAN) return undefined;
  const a = span.attributes;
  const tool = textAttr(a, 'ai.toolCall.name');
  if (tool === undefined) return undefined;
  const id = `tool:${textAttr(a, 'ai.toolCall.id') ?? span.spanId}`;
  const args = parseToolJson(a, ['ai.toolCall.args']);
  const failed = span.statusCode === SPAN_STATUS_ERROR;
  if (tool === 'bash') {
    const command = stringField(args, ['command']);
    if (command === undefined) return undefined;
    const exit = exitCodeOf(parseToolJson(a, ['ai.toolCall.result']));
    return gateActivity(id, span.endTimeMs, command, exit === undefined ? !failed : exit === 0);
  }
  if (failed) return undefined;
  if (tool === 'apply_patch') {
    const patch = stringField(args, ['patchText']);
    const paths =
      patch === undefined ? [] : [...patch.matchAll(PATCH_FILE)].map((m) => (m[1] ?? '').trim());
    return fileActivity(id, span.endTimeMs, paths, true);
  }
  if (!FILE_TOOLS.has(tool)) return undefined;
  const path = stringField(args, ['filePath']);
  return path === undefined
    ? undefined
    : fileActivity(id, span.endTimeMs, [path], EDIT_TOOLS.has(tool));
}

import type { GateRun, TouchedFile } from './exporter-core.js';

/**
 * What one tool call of a task did, reduced at decode time: the gates of a shell command and its
 * success, or the touched files' language key (never its path, command text or output).
 */
export interface TaskActivity {
  /** Identifies the tool call within its task, so a record exported twice counts once. */
  readonly id: string;
  /** When the tool call ended (ms), to order a task's runs. */
  readonly atMs: number;
  /** The command's gates and success, when the tool ran a shell command that is a gate. */
  readonly gateRun?: GateRun | undefined;
  /** The files as language keys (`<digest>/x.<ext>`, see `fileActivity`), and whether changed. */
  readonly files?: readonly TouchedFile[] | undefined;
}

import { afterEach, describe, expect, it } from 'vitest';
import { gemini } from '../../src/sources/gemini.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { type CapturedRequest, loadCapture, toProtobuf } from '../support/captures.js';
import { logReadingsOf, logsOf } from '../support/source-fixtures.js';

type KeyValue = { key: string; value: Record<string, unknown> };
type LogJson = { attributes: KeyValue[] };
type LogsBody = { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: LogJson[] }> }> };

/**
 * The captured Gemini CLI session (run1) with its `gemini_cli.tool_call` record turned into a
 * `run_shell_command` of `command`, logged as Gemini CLI logs it: `success: true` whatever the
 * exit code, which only its `metadata` JSON names (when given).
 */
function withShellCall(command: string, metadata?: Record<string, unknown>): CapturedRequest[] {
  return loadCapture('gemini', 'run1').map((r) => {
    if (r.signal !== 'logs') return r;
    const json = structuredClone(r.json) as LogsBody;
    for (const rl of json.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const log of sl.logRecords) {
          const name = log.attributes.find((a) => a.key === 'event.name')?.value.stringValue;
          if (name !== 'gemini_cli.tool_call') continue;
          const set = (key: string, value: Record<string, unknown>) => {
            log.attributes = [...log.attributes.filter((a) => a.key !== key), { key, value }];
          };
          set('function_name', { stringValue: 'run_shell_command' });
          set('function_args', { stringValue: JSON.stringify({ command, is_background: false }) });
          set('success', { boolValue: true });
          if (metadata !== undefined) set('metadata', { stringValue: JSON.stringify(metadata) });
        }
      }
    }
    const body = r.contentType.includes('json')
      ? Buffer.from(JSON.stringify(json))
      : toProtobuf('logs', json);
    return { ...r, json, body };
  });
}

const gateRuns = (requests: readonly CapturedRequest[]) =>
  logReadingsOf(gemini, logsOf(requests)).flatMap((r) =>
    r.request?.activity?.gateRun === undefined ? [] : [r.request.activity.gateRun],
  );

describe('source: Gemini CLI shell tool calls', () => {
  it('fails a shell call whose metadata names a non-zero exit code or an error, though success is true', () => {
    expect(gateRuns(withShellCall('npm run lint'))).toEqual([{ gates: ['lint'], success: true }]);
    expect(gateRuns(withShellCall('npm run lint', { exitCode: 0, isError: false }))).toEqual([
      { gates: ['lint'], success: true },
    ]);
    expect(gateRuns(withShellCall('npm run lint', { exitCode: 1, isError: true }))).toEqual([
      { gates: ['lint'], success: false },
    ]);
    expect(gateRuns(withShellCall('npm run lint', { exitCode: 2 }))).toEqual([
      { gates: ['lint'], success: false },
    ]);
    expect(gateRuns(withShellCall('npm run lint', { isError: true }))).toEqual([
      { gates: ['lint'], success: false },
    ]);
    expect(gateRuns(withShellCall('npm run lint', { exitCode: 'x' }))).toEqual([
      { gates: ['lint'], success: true },
    ]);
  });

  describe('through a real bridge', () => {
    let loop: BridgeLoop | undefined;
    afterEach(async () => {
      await loop?.close();
      loop = undefined;
    });

    it('stores the gate as failed when the metadata says exitCode 1, and no command text', async () => {
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(
        withShellCall('npm run lint', { exitCode: 1, isError: true }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        quality_gates_run: ['lint'],
        quality_gates_failed: ['lint'],
        quality_gate_passed: false,
      });
      expect(JSON.stringify(events)).not.toContain('npm run');
    });
  });
});

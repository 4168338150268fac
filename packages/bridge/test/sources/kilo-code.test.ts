import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SOURCES, SPAN_FILTER } from '../../src/sources/index.js';
import { KILO_NO_USAGE, kiloCode } from '../../src/sources/kilo-code.js';
import { openCode } from '../../src/sources/opencode.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { type CapturedRequest, loadCapture, loadGroundTruth } from '../support/captures.js';
import { tracesOf, traceTasksOf } from '../support/source-fixtures.js';

/** What a Kilo run's stored events must never hold: its prompt, its command, its work dir. */
const NEVER_STORED = ['Run cat hello.txt', 'hello.txt', 'cat hello', '/tmp/agents-capture', 'ses_'];

/** The capture without its `SessionPrompt.prompt` span, as when Kilo's last export is lost at exit. */
function withoutPromptSpan(requests: CapturedRequest[]): CapturedRequest[] {
  return requests.map((r) => {
    if (r.signal !== 'traces') return r;
    const json = structuredClone(r.json) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
    };
    for (const rs of json.resourceSpans) {
      for (const ss of rs.scopeSpans)
        ss.spans = ss.spans.filter((x) => x.name !== 'SessionPrompt.prompt');
    }
    return { ...r, json, body: Buffer.from(JSON.stringify(json)) };
  });
}

/** A diag logger that keeps the warnings it is given (a component logger's namespace first). */
function warningsLogger(): { logger: DiagLogger; warnings: string[] } {
  const warnings: string[] = [];
  const none = () => undefined;
  return {
    warnings,
    logger: {
      error: none,
      warn: (...parts: unknown[]) => {
        warnings.push(parts.join(' '));
      },
      info: none,
      debug: none,
      verbose: none,
    },
  };
}

describe('source: Kilo Code', () => {
  it('reads its own spans by prefix and the model-call attempt spans, and is asked before OpenCode', () => {
    expect(SPAN_FILTER.isRelevantName('KiloSessionPrompt.recoverFailedAssistant')).toBe(true);
    expect(SPAN_FILTER.isRelevantName('SessionProcessor.incompleteAttempt')).toBe(true);
    expect(SOURCES.indexOf(kiloCode)).toBeLessThan(SOURCES.indexOf(openCode));
  });

  it('finds one task per prompt span with a Kilo span beneath it, with no usage', () => {
    const tasks = traceTasksOf(kiloCode, tracesOf(loadCapture('kilo', 'run1')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft).toMatchObject({
      source: 'kilo.prompt',
      harness: 'kilo_code',
      usage: undefined,
      noUsage: KILO_NO_USAGE,
      failed: false,
    });
  });

  it('fails a prompt whose last model-call attempt is ERROR (the prompt span stays OK)', () => {
    const tasks = traceTasksOf(kiloCode, tracesOf(loadCapture('kilo', 'run2-errors')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft.failed).toBe(true);
  });

  it('counts a trace whose prompt span was lost (Kilo spans no prompt claims) as one incomplete task', () => {
    const traces = tracesOf(withoutPromptSpan(loadCapture('kilo', 'run1')));
    expect(traceTasksOf(kiloCode, traces)).toEqual([]);
    const ctx = { isClaimed: () => false, costOfRequest: () => undefined };
    const counts = traces.map((t) => kiloCode.incompleteTasks?.(t, ctx) ?? 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('leaves an OpenCode prompt (no Kilo span beneath it) to OpenCode', () => {
    expect(traceTasksOf(kiloCode, tracesOf(loadCapture('opencode', 'run2-fastflush')))).toEqual([]);
  });
});

describe('source: Kilo Code, captured runs through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
    diag.disable();
  });

  it('stores one event per run (harness kilo_code, outcome from the last attempt, tokens 0) and says once that Kilo sends no usage', async () => {
    const { logger, warnings } = warningsLogger();
    diag.setLogger(logger, DiagLogLevel.WARN);
    loop = await startBridgeLoop({ grpcPort: false });
    const statuses = [
      ...(await loop.send(loadCapture('kilo', 'run1'))),
      ...(await loop.send(loadCapture('kilo', 'run2-errors'))),
    ];
    expect(statuses.every((s) => s === 200)).toBe(true);
    const events = await loop.finish();
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        harness: 'kilo_code',
        actual_input_tokens: 0,
        actual_output_tokens: 0,
        model: 'unknown',
        provider: 'unknown',
      });
      expect(event.task_duration_ms).toBeGreaterThan(0);
    }
    const outcomes = events.map((e) => e.outcome).sort();
    expect(outcomes).toEqual(['failure', 'success']);
    // The error run's fake API answered its last request 400; the ok run's last request succeeded.
    expect(loadGroundTruth('kilo', 'run2-errors').at(-1)?.kind).toBe('error');
    expect(loadGroundTruth('kilo', 'run1').at(-1)?.kind).toBe('final');
    expect(loop.bridge.stats).toMatchObject({
      tasksReported: 2,
      tasksWithoutUsage: 2,
      tasksIncomplete: 0,
    });
    const said = warnings.filter((w) => w.includes('Kilo Code'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('exports no token usage');
    expect(said[0]).toContain('no Kilo setting changes that');
    const stored = JSON.stringify(events);
    for (const text of NEVER_STORED) expect(stored).not.toContain(text);
  });

  it('reports no task but counts one incomplete when the prompt span never arrives', async () => {
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(withoutPromptSpan(loadCapture('kilo', 'run1')));
    expect(await loop.finish()).toEqual([]);
    expect(loop.bridge.stats).toMatchObject({ tasksReported: 0, tasksIncomplete: 1 });
  });
});

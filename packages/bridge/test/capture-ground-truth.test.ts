import {
  type TaskCompletionEvent,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeLoop, startBridgeLoop } from './support/bridge-to-devserver.js';
import {
  type GroundTruthLine,
  loadCapture,
  loadGroundTruth,
  toProtobuf,
} from './support/captures.js';

/** Per CLI, the task's tokens from the fake API's ground truth, in the bridge's token meaning. */
function expectedTokens(cli: string, truth: readonly GroundTruthLine[]) {
  let input = 0;
  let output = 0;
  for (const line of truth) {
    const usage = line.usage as Record<string, number> | undefined;
    const u = usage === undefined ? undefined : (key: string) => usage[key] ?? 0;
    if (cli === 'claude' && u) {
      input += u('input_tokens') + u('cache_read_input_tokens') + u('cache_creation_input_tokens');
      output += u('output_tokens');
    } else if (cli === 'codex' && u) {
      input += u('input_tokens');
      output += u('output_tokens');
    } else if (cli === 'opencode' && u) {
      input += u('prompt_tokens');
      output += u('completion_tokens');
    } else if (cli === 'gemini' && line.usageMetadata) {
      const m = line.usageMetadata;
      input += m.promptTokenCount ?? 0;
      output += (m.candidatesTokenCount ?? 0) + (m.thoughtsTokenCount ?? 0);
    }
  }
  const last = truth[truth.length - 1];
  return { input, output, failed: last?.kind === 'error' };
}

const CASES = [
  {
    cli: 'claude',
    run: 'run1',
    model: 'claude-opus-5-5',
    provider: 'anthropic',
    harness: 'claude_code',
  },
  {
    cli: 'claude',
    run: 'run2-protobuf',
    model: 'claude-opus-5-5',
    provider: 'anthropic',
    harness: 'claude_code',
  },
  {
    cli: 'claude',
    run: 'run4-errors',
    model: 'claude-opus-5-5',
    provider: 'anthropic',
    harness: 'claude_code',
  },
  { cli: 'codex', run: 'run1', model: 'gpt-5.5', provider: 'openai', harness: 'custom' },
  { cli: 'codex', run: 'run2-protobuf', model: 'gpt-5.5', provider: 'openai', harness: 'custom' },
  { cli: 'gemini', run: 'run1', model: 'gemini-3.8-flash', provider: 'google', harness: 'custom' },
  {
    cli: 'opencode',
    run: 'run2-fastflush',
    model: 'fake-model',
    provider: 'custom',
    harness: 'opencode',
  },
  {
    cli: 'opencode',
    run: 'run4-errors',
    model: 'fake-model',
    provider: 'custom',
    harness: 'opencode',
  },
] as const;

describe('bridge on captured CLI payloads', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  for (const c of CASES) {
    it(`stores one event per prompt equal to the ground truth: ${c.cli} ${c.run}`, async () => {
      loop = await startBridgeLoop();
      const statuses = await loop.send(loadCapture(c.cli, c.run));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      const truth = expectedTokens(c.cli, loadGroundTruth(c.cli, c.run));
      expect(events).toHaveLength(1);
      const event = events[0];
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
        model: c.model,
        provider: c.provider,
        harness: c.harness,
        task_type: 'unknown',
        outcome: truth.failed ? 'failure' : 'success',
      });
      expect(event?.task_duration_ms).toBeGreaterThan(0);
    });
  }

  /** The one event of Codex run1's one turn, with the ground truth's tokens and model. */
  function expectCodexRun1Turn(events: readonly TaskCompletionEvent[]): void {
    const truth = expectedTokens('codex', loadGroundTruth('codex', 'run1'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: truth.input,
      actual_output_tokens: truth.output,
      model: 'gpt-5.5',
      provider: 'openai',
    });
  }

  it("takes a Codex turn's tokens and model from its logs when the span with its totals never arrives", async () => {
    // Codex's `session_task.turn` span carries the turn's totals; on a loaded machine the CLI
    // lane once stored a turn whose totals span never reached the bridge: no tokens, no model,
    // though the turn's log records name every request's tokens and model.
    loop = await startBridgeLoop();
    let dropped = 0;
    const requests = loadCapture('codex', 'run1').map((r) => {
      if (r.signal !== 'traces') return r;
      const json = structuredClone(r.json) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
      };
      for (const rs of json.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          const kept = ss.spans.filter((span) => span.name !== 'session_task.turn');
          dropped += ss.spans.length - kept.length;
          ss.spans = kept;
        }
      }
      const body = r.contentType.includes('protobuf')
        ? toProtobuf('traces', json)
        : Buffer.from(JSON.stringify(json));
      return { ...r, json, body };
    });
    expect(dropped).toBe(1);
    await loop.send(requests);
    expectCodexRun1Turn(await loop.finish());
  });

  it("stores a Codex turn once when its last trace export never arrives, with its logs' tokens", async () => {
    // The last export holds the totals span and the spans that name the conversation: the traced
    // turn knows only its trace, which its log records name too.
    loop = await startBridgeLoop();
    const capture = loadCapture('codex', 'run1');
    const last = capture.filter((r) => r.signal === 'traces').at(-1);
    const names = JSON.stringify(last?.json);
    expect(names).toContain('"session_task.turn"');
    expect(names).toContain('"codex.turn_input"');
    await loop.send(capture.filter((r) => r !== last));
    expectCodexRun1Turn(await loop.finish());
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { toProtobuf } from './support/captures.js';
import { hex, logRecord, logsRequest, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';

const CHILD = fileURLToPath(new URL('./support/held-bridge-child.mjs', import.meta.url));
const EIGHT_MIB = 8 * 1024 * 1024;
const SENDS = 480;
const MIB = 1024 * 1024;

interface Measured {
  readonly rss: number;
  readonly stats: { openTasks: number; heldBytes: number; requestsRefused: object };
}

/** The built bridge in a child process (run `pnpm build` first), and a way to measure it. */
async function startChild(): Promise<{
  child: ChildProcess;
  url: string;
  measure(): Promise<Measured>;
}> {
  const child = fork(CHILD, [], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { url: string }) => resolve(m.url));
  });
  const measure = () =>
    new Promise<Measured>((resolve) => {
      child.once('message', (m: Measured) => resolve(m));
      child.send({ type: 'measure' });
    });
  return { child, url, measure };
}

/**
 * The protobuf body `build(marker)` makes, built once: each copy has fresh bytes written over the
 * marker (encoding 8 MiB 480 times would be the test's cost). Logs mark a prompt id (16 hex
 * characters), traces a trace id (16 bytes), spans (of one trace) a span id (8 bytes).
 */
function bodies(
  signal: 'logs' | 'traces' | 'spans',
  build: (marker: string) => unknown,
): () => Buffer {
  const marker = 'ab'.repeat(signal === 'spans' ? 8 : 16);
  const template = toProtobuf(
    signal === 'spans' ? 'traces' : signal,
    build(signal === 'logs' ? marker.slice(0, 16) : marker),
  );
  const bytes = signal === 'logs' ? Buffer.from(marker.slice(0, 16)) : Buffer.from(marker, 'hex');
  const at = template.indexOf(bytes);
  if (at < 0) throw new Error('the marker is not in the body');
  return () => {
    const body = Buffer.from(template);
    const fresh = signal === 'logs' ? Buffer.from(hex(8)) : Buffer.from(hex(bytes.length), 'hex');
    fresh.copy(body, at);
    return body;
  };
}

describe('hostile attributes (child process RSS)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  async function run(signal: 'logs' | 'traces', body: () => Buffer) {
    const bridge = await startChild();
    child = bridge.child;
    // Warm-up: the server's and decoder's own first allocations are not what is measured.
    for (let i = 0; i < 8; i++) {
      await postOtlp(bridge.url, `/v1/${signal}`, body(), {
        contentType: 'application/x-protobuf',
      });
    }
    const before = await bridge.measure();
    const statuses = new Map<number, number>();
    for (let i = 0; i < SENDS; i++) {
      const answer = await postOtlp(bridge.url, `/v1/${signal}`, body(), {
        contentType: 'application/x-protobuf',
      });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    const after = await bridge.measure();
    if (process.env.MOSAIC_TEST_PRINT_RSS === '1') {
      process.stderr.write(
        `RSS ${signal}: ${before.rss / MIB} -> ${after.rss / MIB} MiB; held ${after.stats.heldBytes} bytes, ${after.stats.openTasks} open tasks\n`,
      );
    }
    return { before, after, statuses };
  }

  it('holds 480 Claude Code prompts whose resource carries an 8 MiB process.command_args in under 100 MiB of RSS growth', async () => {
    const body = bodies('logs', (id) =>
      logsRequest(
        { 'service.name': 'claude-code', 'process.command_args': ['x'.repeat(EIGHT_MIB)] },
        [
          logRecord('claude_code.api_request', {
            'session.id': 'c0ffee00-1111-4222-8333-444455556666',
            'prompt.id': id,
            request_id: `req_${id}`,
            model: 'claude-sonnet-4-5',
            input_tokens: 100,
            output_tokens: 20,
            cost_usd: 0.001,
          }),
        ],
      ),
    );
    const { before, after, statuses } = await run('logs', body);
    const growthMiB = (after.rss - before.rss) / MIB;
    expect(Object.fromEntries(statuses)).toEqual({ 200: SENDS });
    expect(after.stats.openTasks).toBe(SENDS + 8);
    // The bridge's own accounting: under 2 KB per open task.
    expect(after.stats.heldBytes / after.stats.openTasks).toBeLessThan(2048);
    expect(growthMiB).toBeLessThan(100);
  }, 600_000);

  it('holds 480 traces whose model-call span carries an 8 MiB gen_ai.prompt in under 100 MiB of RSS growth', async () => {
    const body = bodies('traces', (id) =>
      tracesRequest({ 'service.name': 'agent' }, [
        span({
          traceId: id,
          name: 'chat',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 20,
            'gen_ai.prompt': 'x'.repeat(EIGHT_MIB),
          },
        }),
      ]),
    );
    const { before, after, statuses } = await run('traces', body);
    const growthMiB = (after.rss - before.rss) / MIB;
    expect(Object.fromEntries(statuses)).toEqual({ 200: SENDS });
    expect(after.stats.openTasks).toBe(SENDS + 8);
    expect(after.stats.heldBytes / after.stats.openTasks).toBeLessThan(2048);
    expect(growthMiB).toBeLessThan(100);
  }, 600_000);

  it('holds one trace of 480 OpenCode tool spans, each with a 200 KB result read for its gate, in under 50 MiB of RSS growth', async () => {
    const traceId = hex(16);
    const output = 'x'.repeat(100_000);
    const body = bodies('spans', (id) =>
      tracesRequest({ 'service.name': 'opencode' }, [
        span({
          traceId,
          spanId: id,
          parentSpanId: 'cd'.repeat(8),
          name: 'ai.toolCall',
          attributes: {
            'ai.toolCall.name': 'bash',
            'ai.toolCall.id': 'call_0123456789',
            'ai.toolCall.args': JSON.stringify({ command: 'pnpm lint', description: 'Lint' }),
            'ai.toolCall.result': JSON.stringify({ metadata: { output, exit: 1 }, output }),
          },
        }),
      ]),
    );
    const { before, after, statuses } = await run('traces', body);
    const growthMiB = (after.rss - before.rss) / MIB;
    expect(Object.fromEntries(statuses)).toEqual({ 200: SENDS });
    expect(after.stats.openTasks).toBe(1);
    // The bridge's own accounting, per span: its record with the gate run its result was reduced
    // to, its parent link and its request's resource (one span a request), under 1.5 KB.
    expect(after.stats.heldBytes / (SENDS + 8)).toBeLessThan(1536);
    expect(growthMiB).toBeLessThan(50);
  }, 600_000);
});

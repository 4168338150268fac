import { afterEach, describe, expect, it } from 'vitest';
import { TASK_SPAN_MODELS } from '../../../test/support/task-span-models.js';
import { type BridgeLoop, startBridgeLoop } from './support/bridge-to-devserver.js';
import { hex, span, tracesRequest } from './support/otlp-json.js';

describe("a task span's own model through the bridge", () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('gives the provider of gpt-*, o1/o3/o4-mini, claude-*, gemini-*, mistral-*; unknown else', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    // One trace per model, each a task span of its own with no provider attribute and no children.
    const spans = TASK_SPAN_MODELS.map(([model], i) =>
      span({
        traceId: hex(16),
        name: `task ${i}`,
        attributes: {
          'mosaic.task.type': 'implementation',
          'mosaic.task.retry_count': i,
          'gen_ai.request.model': model,
        },
      }),
    );
    const body = JSON.stringify(tracesRequest({ 'service.name': 'py-agent' }, spans));
    const statuses = await loop.send([
      {
        signal: 'traces',
        contentType: 'application/json',
        json: JSON.parse(body),
        body: Buffer.from(body),
      },
    ]);
    expect(statuses).toEqual([200]);
    const events = await loop.finish();
    const byOrder = [...events].sort((a, b) => a.retry_count - b.retry_count);
    expect(byOrder.map((e) => [e.model, e.provider])).toEqual(TASK_SPAN_MODELS);
  });
});

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { predictionEntryBytes } from '../../packages/exporter/src/predictions/prediction-cache.js';
import { readPredictionResponse } from '../../packages/exporter/src/predictions/read-prediction-response.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MIB = 1024 * 1024;
/** The helper's default byte budget (`maxBytes`). */
const DEFAULT_MAX_BYTES = 8 * MIB;

interface HeapFigures {
  queries: number;
  heapGrowth: number;
  cached: number;
  longestNote: number;
  errors: string[];
}

/** One prediction answer with `note` as its fallback note, as JSON. */
function answer(note: string): string {
  return JSON.stringify({
    prediction: {
      input_tokens: { p10: 1, p25: 2, median: 3, p75: 4, p90: 5 },
      output_tokens: { p10: 1, p25: 2, median: 3, p75: 4, p90: 5 },
      cost_usd_micros: { median: 100 },
      duration_ms: { median: 1000 },
      correction_factors: { input: 1, output: 1 },
      quality: { gate_pass_rate: 0.5, success_rate: 0.5 },
    },
    metadata: {
      sample_size: 40,
      fallback_level: 1,
      confidence: 'low',
      last_updated: '2026-01-01T00:00:00.000Z',
      dimensions_matched: {
        task_type: 'implementation',
        model: 'some-model',
        provider: 'openai',
        complexity: null,
      },
      fallback_note: note,
      cache_hit: false,
    },
  });
}

/** A server answering every prediction query with `note`: one prebuilt body per batch size. */
async function noteServer(note: string): Promise<RecordingServer> {
  const server = await startRecordingServer();
  const one = answer(note);
  const bodies = new Map<number, string>();
  server.respondWith((req) => {
    const n = (JSON.parse(req.body) as { queries: unknown[] }).queries.length;
    let body = bodies.get(n);
    if (body === undefined) {
      body = `{"results":[${Array.from({ length: n }, () => one).join(',')}]}`;
      bodies.set(n, body);
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  });
  return server;
}

/** Runs the heap child in `node --expose-gc` against the built exporter; returns its figures. */
async function measureHeap(url: string, args: string[] = []): Promise<HeapFigures> {
  if (!existsSync(`${ROOT}packages/exporter/dist/index.mjs`)) {
    throw new Error('packages/exporter/dist is missing: run `pnpm build` (`pnpm test` does)');
  }
  const child = spawn(
    process.execPath,
    ['--expose-gc', 'test/faults/prediction-cache-heap.mjs', url, ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`heap child exited with ${code}: ${stderr.slice(-2000)}`);
  const figures = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HeapFigures;
  console.info(`prediction-cache-heap.mjs: ${JSON.stringify(figures)}`);
  return figures;
}

describe('MosaicPredictions against a hostile server', () => {
  let server: RecordingServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('10,000 answers with an 80 KB fallback_note each', () => {
    it('keeps the heap within the byte budget and cuts every note', {
      timeout: 120_000,
    }, async () => {
      server = await noteServer('n'.repeat(80_000));
      const figures = await measureHeap(server.url, ['10000']);
      expect(figures.errors).toEqual([]);
      // Before the byte budget: 778 MB. The budget is an estimate: allow it once more for slack.
      expect(figures.heapGrowth).toBeLessThan(2 * DEFAULT_MAX_BYTES);
      expect(figures.longestNote).toBe(1024);
      // Still a useful cache: the newest answers are kept.
      expect(figures.cached).toBeGreaterThan(1000);
      expect(figures.cached).toBeLessThan(10_000);
    });
  });

  describe('10,000 ordinary answers', () => {
    it('holds them all, at no more heap per entry than the cache estimates', {
      timeout: 120_000,
    }, async () => {
      const note = 'No exact match: dropped complexity.';
      server = await noteServer(note);
      const figures = await measureHeap(server.url, ['10000', String(64 * MIB)]);
      expect(figures.errors).toEqual([]);
      expect(figures.cached).toBe(10_000);
      // The child's queries: models model-000000 to model-009999.
      const query = {
        task_type: 'implementation',
        model: 'model-000000',
        provider: 'openai',
        complexity: 'medium',
      } as const;
      const response = readPredictionResponse(JSON.parse(answer(note)));
      if (typeof response === 'string') throw new Error(response);
      expect(figures.heapGrowth / figures.queries).toBeLessThan(
        predictionEntryBytes(query, response),
      );
    });
  });
});

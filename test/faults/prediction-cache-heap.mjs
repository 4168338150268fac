// Child process of hostile-predictions.test.ts: fills a MosaicPredictions cache from the server at
// `url` with `queries` distinct queries and prints one JSON line: the heap growth after GC while
// the helper is alive, and what it serves. Run with `node --expose-gc`; imports the BUILT exporter.
// Usage: node --expose-gc test/faults/prediction-cache-heap.mjs <url> [queries=10000] [maxBytes]
import { MosaicPredictions } from '@mosaicstack/telemetry-exporter';

const [url, queriesArg = '10000', maxBytesArg] = process.argv.slice(2);
const QUERIES = Number(queriesArg);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const heapAfterGc = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const queries = Array.from({ length: QUERIES }, (_, i) => ({
  task_type: 'implementation',
  model: `model-${String(i).padStart(6, '0')}`,
  provider: 'openai',
  complexity: 'medium',
}));
const errors = [];
const predictions = new MosaicPredictions(
  {
    enabled: true,
    serverUrl: url,
    apiKey: 'cd'.repeat(32),
    instanceId: '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    onError: (e) => errors.push(e.message),
  },
  {
    retryBaseDelayMs: 1,
    ...(maxBytesArg === undefined ? {} : { maxBytes: Number(maxBytesArg) }),
  },
);
const baselineHeap = heapAfterGc();
await predictions.refresh(queries);
const afterHeap = heapAfterGc();
let cached = 0;
let longestNote = 0;
for (const query of queries) {
  const answer = predictions.get(query);
  if (answer === undefined) continue;
  cached++;
  longestNote = Math.max(longestNote, answer.metadata.fallback_note?.length ?? 0);
}
await predictions.shutdown();
console.log(
  JSON.stringify({
    queries: QUERIES,
    baselineHeap,
    afterHeap,
    heapGrowth: afterHeap - baselineHeap,
    cached,
    longestNote,
    errors: errors.slice(0, 3),
  }),
);

// A bridge in a process of its own (the built package), so a test can read its resident memory:
// it starts on a free port with delivery off and tasks held open for an hour, sends its URL, and
// answers each `measure` with its RSS after a full GC and its stats.
import { startBridge } from '../../dist/index.mjs';

const bridge = await startBridge({
  port: 0,
  grpcPort: false,
  taskIdleMs: 3_600_000,
  telemetry: { enabled: false },
});
process.on('message', (message) => {
  if (message?.type === 'measure') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ type: 'measured', rss: process.memoryUsage().rss, stats: bridge.stats });
  } else if (message?.type === 'close') {
    void bridge.close().then(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: bridge.url });

// The devserver in its own process (child_process.fork), with a file database in os.tmpdir and no
// rate limit, so its CPU does not compete with the process under test on the same thread.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVSERVER_DIST } from './paths.mjs';

const { startDevServer } = await import(DEVSERVER_DIST.href);
const dbPath = join(tmpdir(), `mosaic-bench-${process.pid}-${Date.now()}.db`);
const server = await startDevServer({ dbPath, rateLimit: false });

process.send?.({
  type: 'listening',
  url: server.url,
  apiKey: server.apiKey,
  instanceId: server.instanceId,
});
process.on('message', async (message) => {
  if (message?.type === 'stats') {
    process.send?.({ type: 'stats', events: server.countEvents(), ...server.stats });
  }
  if (message?.type === 'close') {
    await server.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    process.exit(0);
  }
});

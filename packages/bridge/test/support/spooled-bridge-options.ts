import type { BridgeOptions } from '../../src/types.js';

/**
 * Options of an in-process bridge on spool folder `dir` (loopback, free port, no gRPC listener),
 * delivering to `serverUrl` with a test key and instance id.
 */
export const spooledBridgeOptions = (
  dir: string,
  serverUrl: string,
  taskIdleMs: number,
): BridgeOptions & { grpcPort: false } => ({
  port: 0,
  grpcPort: false,
  spoolDir: dir,
  taskIdleMs,
  telemetry: {
    serverUrl,
    apiKey: 'ab'.repeat(32),
    instanceId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
  },
});

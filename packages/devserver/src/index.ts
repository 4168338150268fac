export { startDevServer } from './server/start-dev-server.js';
export type {
  DevServer,
  DevServerFaults,
  DevServerOptions,
  DevServerStats,
  FailNextOptions,
  RateLimitOptions,
} from './types.js';

export type { OtlpHandler } from './receiver/create-otlp-handler.js';
export { createOtlpHandler } from './receiver/create-otlp-handler.js';
export type { OtlpGrpcListener } from './receiver/grpc-receiver.js';
export { startBridge } from './start-bridge.js';
export type {
  Bridge,
  BridgeDefaults,
  BridgeOptions,
  BridgeStats,
  BudgetRefusals,
  OtlpHandlerOptions,
} from './types.js';

import type { Provider } from '@mosaicstack/telemetry-semconv';

/** One model request of a task, in the bridge's token meaning (docs/bridge.md). */
export interface ModelRequest {
  /** Identifies the request within its task, so a record exported twice counts once. */
  readonly id: string;
  /** The provider's request id where every signal of the request names it (Claude Code's `request_id`). */
  readonly requestId?: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  /** Every input token the model read, cache reads and writes included. */
  readonly inputTokens: number;
  /** Every generated token, reasoning/thoughts included. */
  readonly outputTokens: number;
  readonly model: string | undefined;
  readonly provider: Provider | undefined;
  readonly failed: boolean;
  /**
   * The answer asked for a tool, so another request must follow: a task whose last request
   * continues broke off (its source did not export the request that failed).
   */
  readonly continues?: boolean | undefined;
  /** Cost in USD micros: the source's own, else priced from the request's token breakdown. */
  readonly costMicros?: number | undefined;
  /** The request had a token breakdown but the price table knows no price for its model (cost 0). */
  readonly uncosted?: boolean | undefined;
}

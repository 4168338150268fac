/** Which cap a take would pass. */
export type InflightRefusal = 'total' | 'client';

/** What a sender refused for an in-flight cap is told. */
export const INFLIGHT_REASONS: Readonly<Record<InflightRefusal, string>> = {
  total: 'too many request bytes in flight: retry later',
  client: 'this client address has too many request bytes in flight: retry later',
};

/**
 * The request bytes being read at once, in all and per client address, counted as they arrive:
 * a sender that declares a large body and sends little holds little, and one address cannot hold
 * more than its share, so stalled or greedy senders cannot lock the others out.
 */
export class InflightBudget {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    private readonly maxBytes: number,
    private readonly maxClientBytes: number,
  ) {}

  /** Bytes held now, in all. */
  get bytes(): number {
    return this.total;
  }

  /** Whether a new request of `client` may start reading (neither cap is reached). */
  admits(client: string): InflightRefusal | undefined {
    if (this.total >= this.maxBytes) return 'total';
    return (this.byClient.get(client) ?? 0) >= this.maxClientBytes ? 'client' : undefined;
  }

  /** Takes `bytes` for `client`, or nothing and which cap it would pass. */
  take(client: string, bytes: number): InflightRefusal | undefined {
    const held = this.byClient.get(client) ?? 0;
    if (this.total + bytes > this.maxBytes) return 'total';
    if (held + bytes > this.maxClientBytes) return 'client';
    this.total += bytes;
    this.byClient.set(client, held + bytes);
    return undefined;
  }

  /** Gives back bytes `client` took. */
  give(client: string, bytes: number): void {
    if (bytes <= 0) return;
    this.total -= bytes;
    const left = (this.byClient.get(client) ?? 0) - bytes;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
  }
}

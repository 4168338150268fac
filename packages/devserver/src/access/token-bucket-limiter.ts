import type { RateLimitOptions } from '../types.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Verdict of one request against its key's bucket. */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One token bucket per key: `capacity` burst, refilled continuously at `refillPerSecond`. */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #refillPerSecond: number;
  readonly #now: () => number;

  constructor(options: RateLimitOptions, now: () => number = () => performance.now()) {
    if (!Number.isFinite(options.capacity) || options.capacity < 1) {
      throw new RangeError(`rateLimit.capacity: must be a number >= 1, got ${options.capacity}`);
    }
    if (!Number.isFinite(options.refillPerSecond) || options.refillPerSecond <= 0) {
      throw new RangeError(
        `rateLimit.refillPerSecond: must be a number > 0, got ${options.refillPerSecond}`,
      );
    }
    this.#capacity = options.capacity;
    this.#refillPerSecond = options.refillPerSecond;
    this.#now = now;
  }

  /** Takes one token from `key`'s bucket, or says how many whole seconds until one is back. */
  take(key: string): RateLimitVerdict {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, updatedAt: now };
    const elapsedSeconds = (now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(
      this.#capacity,
      bucket.tokens + elapsedSeconds * this.#refillPerSecond,
    );
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const waitSeconds = (1 - bucket.tokens) / this.#refillPerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}

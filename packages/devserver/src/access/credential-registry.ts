// access/: who may call and how often: API keys bound to instances, Bearer tokens, rate limits.
import { createHash, timingSafeEqual } from 'node:crypto';

interface Credential {
  digest: Buffer;
  apiKey: string;
  instanceId: string;
}

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The API keys the server knows, each bound to one instance id. */
export class CredentialRegistry {
  readonly #credentials: Credential[] = [];

  /** Binds `apiKey` to `instanceId`, replacing an earlier binding of the same key. */
  add(apiKey: string, instanceId: string): void {
    if (typeof apiKey !== 'string' || apiKey.length === 0) {
      throw new TypeError('apiKey: must be a non-empty string');
    }
    if (typeof instanceId !== 'string' || instanceId.length === 0) {
      throw new TypeError('instanceId: must be a non-empty string');
    }
    const existing = this.#credentials.findIndex((c) => c.apiKey === apiKey);
    if (existing !== -1) this.#credentials.splice(existing, 1);
    this.#credentials.push({ digest: digestOf(apiKey), apiKey, instanceId });
  }

  /**
   * Finds the credential of a presented token. Every known key is compared in constant time over
   * equal-length SHA-256 digests, without stopping at the first match.
   */
  authenticate(token: string): { apiKey: string; instanceId: string } | undefined {
    const presented = digestOf(token);
    let found: Credential | undefined;
    for (const credential of this.#credentials) {
      if (timingSafeEqual(presented, credential.digest)) found = credential;
    }
    return found && { apiKey: found.apiKey, instanceId: found.instanceId };
  }
}

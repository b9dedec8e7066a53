import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { KEYS } from "./protocol";

// Renews only our own lease: GET and PEXPIRE must be one step, or we could extend a successor's.
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * A leader lease in Redis: one holder at a time among any number of candidates, for as long as it
 * renews the key within `ttlMs`. The publisher holds KEYS.publisherLeader, and its token doubles
 * as a fencing token that every state commit checks inside the same Lua script; each odds
 * producer holds KEYS.producerLeader(producer), fenced by a term in Postgres
 * (lib/feed/producer-term.ts). Either way, a paused or partitioned ex-leader cannot write after it
 * lost the lease, even if it has not noticed yet.
 */
export class LeaderLease {
  private current: string | null = null;

  /** @param key the lease's Redis key; the publisher's unless given */
  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    private readonly ttlMs: number,
    private readonly key: string = KEYS.publisherLeader,
  ) {}

  /** The token while we believe we lead, else null. */
  get token(): string | null {
    return this.current;
  }

  /** Renews our lease, or takes a free one. Returns whether we lead now. Throws on Redis errors. */
  async acquireOrRenew(): Promise<boolean> {
    if (this.current) {
      const renewed = await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.current, this.ttlMs);
      if (renewed === 1) return true;
      this.current = null;
    }
    const token = `${this.instanceId}#${randomUUID()}`;
    const taken = await this.redis.set(this.key, token, "PX", this.ttlMs, "NX");
    if (taken === "OK") this.current = token;
    return this.current !== null;
  }

  /** Gives the lease up so a standby takes over at once instead of after the TTL. */
  async release(): Promise<void> {
    const token = this.current;
    this.current = null;
    if (token) await this.redis.eval(RELEASE_SCRIPT, 1, this.key, token);
  }

  /** Forgets the lease locally (after an error we cannot tell whether it still holds). */
  drop(): void {
    this.current = null;
  }
}

/** The instance id inside a leader token. */
export function leaderInstance(token: string | null): string | null {
  if (!token) return null;
  const hash = token.lastIndexOf("#");
  return hash === -1 ? token : token.slice(0, hash);
}

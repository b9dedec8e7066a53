import type { Redis } from "ioredis";
import type { Logger } from "../lib/log";
import { KEYS, RELAY_REVOCATION_TTL_MS, isRevoked } from "../lib/protocol";

/** Who a token names and when it was issued (ms, Redis's clock): what a revocation is checked against. */
export interface Dated {
  sub: string;
  iatMs: number;
}

/**
 * The relay's view of revoked relay tokens (docs/relay.md "Revocation"). The web app records each
 * revocation in Redis (`KEYS.relayRevocation`) and announces it on the bus; this keeps what it
 * heard for as long as a token from before it could still be accepted, so a check needs Redis only
 * for revocations this process has not heard of (made before it started, or while its bus was
 * down). The relay never needs Postgres for this.
 */
export class Revocations {
  private readonly heard = new Map<string, { before: number; expiresAt: number }>();
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  /** Records that `userId`'s tokens issued up to `before` (ms) are void. Keeps the later of two. */
  note(userId: string, before: number, now = Date.now()): void {
    const held = this.heard.get(userId);
    if (held && held.before >= before) return;
    this.heard.set(userId, { before, expiresAt: now + RELAY_REVOCATION_TTL_MS });
  }

  /** Whether this process has heard that the token is void: synchronous, for the moment a socket joins its rooms. */
  voids(token: Dated): boolean {
    return isRevoked(token.iatMs, this.heard.get(token.sub)?.before);
  }

  /**
   * Whether the token is void, asking Redis as well. With Redis out of reach it answers from what
   * it has heard (logged): the bus shares the outage, so nothing reaches private rooms meanwhile,
   * and `reread` checks every socket again once the bus is back.
   */
  async revoked(token: Dated): Promise<boolean> {
    if (this.voids(token)) return true;
    let stored: string | null;
    try {
      stored = await this.redis.get(KEYS.relayRevocation(token.sub));
    } catch (error) {
      this.warn(error);
      return false;
    }
    const before = Number(stored);
    if (stored !== null && Number.isFinite(before)) this.note(token.sub, before);
    return this.voids(token);
  }

  /** Reads the revocations of these accounts from Redis again (after the bus was lost). */
  async reread(subs: Iterable<string>): Promise<void> {
    const unique = [...new Set(subs)];
    if (unique.length === 0) return;
    const stored = await this.redis.mget(...unique.map((sub) => KEYS.relayRevocation(sub)));
    unique.forEach((sub, i) => {
      const before = Number(stored[i]);
      if (stored[i] !== null && Number.isFinite(before)) this.note(sub, before);
    });
  }

  /** Forgets revocations older than any token they could still void. */
  prune(now = Date.now()): void {
    for (const [userId, held] of this.heard) if (held.expiresAt <= now) this.heard.delete(userId);
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 30_000) return;
    this.lastWarning = Date.now();
    this.log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "cannot read token revocations from Redis; checking against those heard on the bus",
    );
  }
}

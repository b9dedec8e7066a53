import type { Logger } from "../lib/log";
import { ROOMS } from "../lib/protocol";
import { AuthError, type Identity, REVOKED_MESSAGE, authenticate } from "./auth";
import type { Revocations } from "./revocations";

/** A connection as token checks reach it: its identity part. */
export interface TokenHolder {
  readonly identity: { readonly current: Identity; revoke(): void };
}

/** Where token checks find connections (the hub, hub.ts). */
export interface TokenHolders {
  inRoom(room: string): TokenHolder[];
  all(): TokenHolder[];
}

/**
 * Relay tokens as this relay checks them (docs/relay.md "Revocation"): a token is checked against
 * the relay's secret (auth.ts), then against its account's revocations (revocations.ts); an
 * announced revocation takes the account's connections here out of their private rooms; and after
 * a bus outage every connection's token is checked again.
 */
export class TokenChecks {
  private readonly secret: Uint8Array | null;

  constructor(
    secret: string | null,
    private readonly revocations: Revocations,
    private readonly holders: TokenHolders,
    private readonly log: Logger,
  ) {
    this.secret = secret ? new TextEncoder().encode(secret) : null;
  }

  /** A token's identity (null: none, anonymous); rejects with AuthError when it is bad or revoked. */
  async authenticate(token: unknown): Promise<Identity> {
    const identity = await authenticate(token, this.secret);
    if (identity && (await this.revocations.revoked(identity))) throw new AuthError(REVOKED_MESSAGE);
    return identity;
  }

  /** A `tokens:revoked` message: noted, and the account's connections here whose tokens it voids are dropped. */
  heard({ userId, before }: { userId: string; before: number }): void {
    this.revocations.note(userId, before);
    this.dropRevoked(this.holders.inRoom(ROOMS.user(userId)));
  }

  /**
   * After the bus was lost, revocations may have been announced unheard: reads those of every
   * account a connection holds a token of from Redis, and drops the connections whose tokens they
   * void. A failure to read is logged.
   */
  async recheck(): Promise<void> {
    const holders = this.holders.all().filter((holder) => holder.identity.current);
    try {
      await this.revocations.reread(holders.map((holder) => holder.identity.current?.sub ?? ""));
    } catch (error) {
      this.log.warn({ err: String(error) }, "could not re-read token revocations");
      return;
    }
    this.dropRevoked(holders);
  }

  /** Forgets revocations older than any token they could still void. */
  prune(now: number): void {
    this.revocations.prune(now);
  }

  /** Takes every holder whose token is now known to be revoked out of its private rooms, and tells it. */
  private dropRevoked(holders: Iterable<TokenHolder>): void {
    for (const holder of holders) {
      const identity = holder.identity.current;
      if (identity && this.revocations.voids(identity)) holder.identity.revoke();
    }
  }
}

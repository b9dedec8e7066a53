import type { Redis } from "ioredis";
import { createLogger } from "../log";
import { CHANNELS, TokensRevokedMessage, parseJson } from "../protocol";
import type { SessionStore, SessionUser } from "./sessions";

const log = createLogger("accounts.session-cache");

/** How long a session read from Postgres is believed without reading it again, ms: a bound, should a revocation ever go unheard. */
export const SESSION_CACHE_MAX_AGE_MS = 60_000;
/** Sessions held at most per web process; the oldest go first. */
export const SESSION_CACHE_MAX_ENTRIES = 20_000;

interface Entry {
  user: SessionUser;
  /** The session's own end, ms since epoch. */
  expiresAt: number;
  /** When it was read from Postgres (performance.now()). */
  readAt: number;
}

/**
 * The sessions this web process has read from Postgres, so that a signed-in request costs no
 * Postgres round trip to verify (docs/bets.md, "Sessions"). Whatever ends a session or changes
 * what it carries (sign-out, a password change, a role change) already revokes the account's
 * relay tokens, which publishes `tokens:revoked` on `relay-revocations`; every web process
 * listens there too and forgets the account's sessions when it hears it, within milliseconds.
 *
 * The cache trusts itself only while it hears: it is empty and unused until its subscription is
 * confirmed, and emptied the moment the connection drops, so a revocation it could have missed
 * never leaves a session alive (requests then read Postgres, as without it). A read that started
 * before a revocation of its account arrived is not kept. Entries also lapse after
 * SESSION_CACHE_MAX_AGE_MS.
 */
export class SessionCache implements SessionStore {
  private readonly entries = new Map<string, Entry>();
  /** Per account, when (performance.now()) its last revocation was heard: reads begun before it are not kept. */
  private readonly revokedAt = new Map<string, number>();
  private listening = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly limits = { maxAgeMs: SESSION_CACHE_MAX_AGE_MS, maxEntries: SESSION_CACHE_MAX_ENTRIES },
  ) {
    subscriber.on("message", (channel: string, raw: string) => {
      if (channel === CHANNELS.revocations) this.heard(raw);
    });
    subscriber.on("ready", () => void this.listen());
    subscriber.on("close", () => this.deaf());
    if (subscriber.status === "ready") void this.listen();
  }

  /** Whether the cache is in use: its subscription is confirmed and the connection up. */
  get live(): boolean {
    return this.listening;
  }

  /** The session's account as last read, or undefined (not held, lapsed, or the cache is not live). */
  get(sessionId: string, now = Date.now()): SessionUser | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= now || performance.now() - entry.readAt > this.limits.maxAgeMs) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.user;
  }

  /**
   * Keeps a session read from Postgres; `readStartedAt` is performance.now() from before the read.
   * Not kept when the cache is not live or a revocation of the account arrived since the read began.
   */
  put(user: SessionUser, expiresAt: number, readStartedAt: number): void {
    if (!this.listening || (this.revokedAt.get(user.id) ?? Number.NEGATIVE_INFINITY) >= readStartedAt) return;
    if (this.entries.size >= this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(user.sessionId, { user, expiresAt, readAt: performance.now() });
  }

  /** Forgets every session of `userId` (this process ended or changed one; the others hear it on the bus). */
  forgetUser(userId: string): void {
    const now = performance.now();
    this.revokedAt.set(userId, now);
    for (const [sessionId, entry] of this.entries) if (entry.user.id === userId) this.entries.delete(sessionId);
    // Only reads in flight need the revocation's time: a second is far longer than any.
    for (const [id, at] of this.revokedAt) if (now - at > 1_000) this.revokedAt.delete(id);
  }

  private heard(raw: string): void {
    const message = parseJson(TokensRevokedMessage, raw);
    if (!message.ok) {
      log.warn({ problem: message.error }, "malformed revocation on the bus; forgetting every session to be safe");
      this.entries.clear();
      return;
    }
    this.forgetUser(message.message.userId);
  }

  private async listen(): Promise<void> {
    try {
      await this.subscriber.subscribe(CHANNELS.revocations);
      this.listening = this.subscriber.status === "ready";
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "cannot hear revocations; sessions are read from Postgres");
    }
  }

  private deaf(): void {
    this.listening = false;
    this.entries.clear();
  }
}

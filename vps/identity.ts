import { type ErrorPayload, ROOMS } from "../lib/protocol";
import { type Identity, REVOKED_MESSAGE } from "./auth";

/**
 * A connection's identity part: who its token says it is, the private rooms that follow from it
 * (`user:<sub>` for a token, `admins` too for an admin's), and the timer that ends them when the
 * token runs out. When it runs out, the connection leaves them and hears
 * `error { code: "token_expired" }`; when it is revoked (its account signed out, or its password
 * or role changed), it leaves them and hears `error { code: "token_revoked" }`. Either way until
 * the page hands it a fresh token (`auth`).
 */

/** What the identity part needs of its connection: rooms, and a way to say why they ended. */
export interface IdentityMember {
  join(room: string): unknown;
  leave(room: string): unknown;
  emit(event: "error", error: ErrorPayload): unknown;
}

export class ClientIdentity {
  private held: Identity = null;
  private expiry: NodeJS.Timeout | null = null;
  /** Counts `auth` messages: the answer of one that a later one overtook is dropped. */
  private authSeq = 0;

  constructor(private readonly member: IdentityMember) {}

  /** The identity held now (null: anonymous). */
  get current(): Identity {
    return this.held;
  }

  /** Takes on `identity` (null: anonymous), replacing the private rooms of the previous one. */
  assume(identity: Identity): void {
    this.forget();
    this.held = identity;
    if (!identity) return;
    this.member.join(ROOMS.user(identity.sub));
    if (identity.role === "admin") this.member.join(ROOMS.admins);
    const ms = identity.exp * 1000 - Date.now();
    this.expiry = setTimeout(() => this.expire(), Math.max(0, ms));
  }

  /** Leaves the private rooms and stops the expiry timer (on a new identity, on close). */
  forget(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const identity = this.held;
    if (!identity) return;
    this.member.leave(ROOMS.user(identity.sub));
    this.member.leave(ROOMS.admins);
    this.held = null;
  }

  /** The token was revoked: out of the private rooms at once, and told so. */
  revoke(): void {
    this.forget();
    this.member.emit("error", { code: "token_revoked", message: REVOKED_MESSAGE });
  }

  /** Numbers an `auth` message as it arrives, for `isLatestAuth` once its token is checked. */
  nextAuth(): number {
    this.authSeq += 1;
    return this.authSeq;
  }

  /** Whether no `auth` message arrived after the one numbered `seq`. */
  isLatestAuth(seq: number): boolean {
    return seq === this.authSeq;
  }

  private expire(): void {
    this.forget();
    this.member.emit("error", { code: "token_expired", message: "the token ran out; send a fresh one with `auth` to keep receiving private updates" });
  }
}

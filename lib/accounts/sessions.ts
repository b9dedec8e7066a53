import { randomBytes } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { Db, Tx } from "../db";

/**
 * Cookie sessions. The cookie holds only a session id, sealed (encrypted and signed) by
 * iron-session with SESSION_SECRET; the session itself is a row in Postgres, so signing out
 * revokes it for good (a copied cookie stops working too) and an admin can end it.
 */

export const SESSION_COOKIE = "lo_session";
/** How long a session lasts after sign-in, s. */
export const SESSION_TTL_SEC = 7 * 24 * 3600;

const Sealed = z.object({ sid: z.string().min(20).max(100) });

export type Role = "user" | "admin";

/** The wire role of a stored one. */
export function roleOf(stored: "USER" | "ADMIN"): Role {
  return stored === "ADMIN" ? "admin" : "user";
}

/** The signed-in account behind a request (its balance is read where it is shown: accounts.ts `accountOf`). */
export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  sessionId: string;
}

/** Starts a session for `userId` (SESSION_TTL_SEC long); returns the cookie value to set. */
export async function openSession(db: Db, userId: string, secret: string): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await db.session.create({ data: { id, userId, expiresAt: new Date(Date.now() + SESSION_TTL_SEC * 1000) } });
  return sealData({ sid: id }, { password: secret, ttl: SESSION_TTL_SEC });
}

/** What `readSession` asks of a cache of sessions (session-cache.ts `SessionCache`). */
export interface SessionStore {
  get(sessionId: string): SessionUser | undefined;
  /** `expiresAt`: ms since epoch; `readStartedAt`: performance.now() before the read. */
  put(user: SessionUser, expiresAt: number, readStartedAt: number): void;
}

/**
 * The account of a session cookie, or null for a bad, expired or revoked one. With a `cache`
 * (session-cache.ts), a session read before is answered from memory: no Postgres round trip.
 */
export async function readSession(db: Db, cookie: string | undefined, secret: string, cache?: SessionStore): Promise<SessionUser | null> {
  const sessionId = await sessionIdOf(cookie, secret);
  if (!sessionId) return null;
  const held = cache?.get(sessionId);
  if (held) return held;
  const readStartedAt = performance.now();
  const row = await db.session.findUnique({
    where: { id: sessionId },
    select: { expiresAt: true, revokedAt: true, user: { select: { id: true, email: true, role: true } } },
  });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return null;
  const { id, email, role } = row.user;
  const user: SessionUser = { id, email, role: roleOf(role), sessionId };
  cache?.put(user, row.expiresAt.getTime(), readStartedAt);
  return user;
}

/**
 * Ends the session of a cookie (idempotent). Returns the account whose live session this ended,
 * whose relay tokens are then revoked (revocation.ts); null when the cookie named no live session
 * (none, or one already ended or expired), so that a replayed old cookie cannot sign the account's
 * open pages out of their private updates.
 */
export async function revokeSession(db: Db, cookie: string | undefined, secret: string): Promise<string | null> {
  const sessionId = await sessionIdOf(cookie, secret);
  if (!sessionId) return null;
  const now = new Date();
  const ended = await db.session.updateManyAndReturn({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
    select: { userId: true },
  });
  return ended[0]?.userId ?? null;
}

/** Ends every other session of an account (after its password changed); returns how many. */
export async function revokeOtherSessions(db: Db | Tx, userId: string, keep: string): Promise<number> {
  const { count } = await db.session.updateMany({ where: { userId, id: { not: keep }, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

async function sessionIdOf(cookie: string | undefined, secret: string): Promise<string | null> {
  if (!cookie) return null;
  const now = Date.now();
  if (unsealed.secret !== secret) unsealed = { secret, ids: new Map() };
  const kept = unsealed.ids.get(cookie);
  if (kept && kept.until > now) return kept.sid;
  const sealed = Sealed.safeParse(await unsealData(cookie, { password: secret, ttl: SESSION_TTL_SEC }));
  if (!sealed.success) return null;
  if (unsealed.ids.size >= UNSEALED_KEPT) unsealed.ids.clear();
  unsealed.ids.set(cookie, { sid: sealed.data.sid, until: now + UNSEALED_MS });
  return sealed.data.sid;
}

/**
 * Cookies this process unsealed lately, to the session id each holds. Unsealing derives its keys
 * afresh every time (iron's PBKDF2 and HMAC through WebCrypto): about a tenth of a signed-in
 * request's CPU in the web process, more than the rest of its session check. What a cookie unseals
 * to never changes; whether its session is still live (not revoked, not expired) is checked after,
 * every time, as before. A cookie is unsealed again after UNSEALED_MS, which also checks its
 * seal's own expiry again; past UNSEALED_KEPT cookies the map starts over. Only good cookies are kept.
 */
let unsealed: { secret: string; ids: Map<string, { sid: string; until: number }> } = { secret: "", ids: new Map() };
const UNSEALED_MS = 60_000;
const UNSEALED_KEPT = 20_000;

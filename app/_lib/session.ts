import { cookies } from "next/headers";
import type { z } from "zod";
import { Credentials, SignUpRequest } from "@/lib/accounts/credentials";
import { revokeRelayTokensOrLog } from "@/lib/accounts/revocation";
import { SESSION_COOKIE, SESSION_TTL_SEC, type SessionUser, openSession, readSession, revokeSession } from "@/lib/accounts/sessions";
import { env } from "@/lib/env";
import { type BodyResult, apiError, readFields, refuseCrossSite, requireAdminToken, unavailable } from "./http";
import { services } from "./services";

/**
 * The session cookie in route handlers and pages: httpOnly (scripts never see it), SameSite=Lax
 * (other sites' forms and fetches do not carry it), Secure when the request came over https.
 */

/** The signed-in account of this request, or null (also when accounts are off). */
export async function currentUser(): Promise<SessionUser | null> {
  const secret = env().SESSION_SECRET;
  if (!secret) return null;
  const { db, sessions } = services();
  return readSession(db, (await cookies()).get(SESSION_COOKIE)?.value, secret, sessions);
}

/** Signs `userId` in on this response. */
export async function startSession(request: Request, userId: string): Promise<void> {
  const cookie = await openSession(services().db, userId, sessionSecret());
  (await cookies()).set(SESSION_COOKIE, cookie, { httpOnly: true, sameSite: "lax", secure: isHttps(request), path: "/", maxAge: SESSION_TTL_SEC });
}

/**
 * Signs out: revokes the session and clears the cookie, then revokes the account's relay tokens,
 * so its open sockets leave their private rooms at once. Returns the account signed out, if any.
 */
export async function endSession(): Promise<string | null> {
  const jar = await cookies();
  const { db } = services();
  const userId = await revokeSession(db, jar.get(SESSION_COOKIE)?.value, sessionSecret());
  jar.delete(SESSION_COOKIE);
  if (userId) await revokeAccess(userId, "sign-out");
  return userId;
}

/**
 * After a change that ends sessions or changes what they carry (sign-out, a password or role
 * change) has committed: this process forgets the account's sessions at once, and the account's
 * relay tokens are revoked, whose bus message makes every other web process forget them too.
 */
export async function revokeAccess(userId: string, why: string): Promise<void> {
  const { redis, sessions } = services();
  sessions.forgetUser(userId);
  await revokeRelayTokensOrLog(redis, userId, why);
}

/**
 * The signed-in account of an account route, or the response to answer with: 503 when accounts
 * are off, 403 when `request` (a state-changing one) came from another site, 401 when signed out,
 * 503 when the session cannot be read.
 */
export async function requireUser(request?: Request): Promise<{ user: SessionUser } | { response: Response }> {
  const refused = accountsDisabled() ?? (request ? refuseCrossSite(request) : null);
  if (refused) return { response: refused };
  try {
    const user = await currentUser();
    return user ? { user } : { response: apiError(401, "unauthorized", "sign in first") };
  } catch (error) {
    return { response: unavailable(error, "Postgres") };
  }
}

/**
 * What sign-in checks before anything else: accounts are on, the request comes from this site,
 * and its body is a well-formed `{ email, password }` (422 naming the field otherwise).
 */
export async function readCredentials(request: Request): Promise<BodyResult<Credentials>> {
  return readAccountBody(request, Credentials);
}

/** The same for sign-up, whose body may also carry a display `name`. */
export async function readSignUp(request: Request): Promise<BodyResult<SignUpRequest>> {
  return readAccountBody(request, SignUpRequest);
}

async function readAccountBody<T>(request: Request, schema: z.ZodType<T>): Promise<BodyResult<T>> {
  const refused = accountsDisabled() ?? refuseCrossSite(request);
  if (refused) return { ok: false, response: refused };
  return readFields(request, schema, 2_048);
}

/** 503 when accounts are off (no SESSION_SECRET), else null. */
export function accountsDisabled(): Response | null {
  return env().SESSION_SECRET ? null : apiError(503, "accounts_disabled", "SESSION_SECRET is not set on this server, so accounts are off");
}

function sessionSecret(): string {
  const secret = env().SESSION_SECRET;
  if (!secret) throw new Error("SESSION_SECRET is not set");
  return secret;
}

function isHttps(request: Request): boolean {
  return (request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "")) === "https";
}

export interface Admin {
  /** How the caller proved it, for the public record: "the admin token" or "an admin account". */
  actor: string;
  /** Who it was, for the admins' own feed and the audit log: the account's email, or "admin token". */
  by: string;
  /** The admin account's id; null for the admin token. */
  accountId: string | null;
}

/**
 * An admin: `Authorization: Bearer <ADMIN_TOKEN>` (tools, scripts), or a signed-in admin account
 * (the console; a cross-site request is refused). Returns the `Admin`, or the response to answer
 * with.
 */
export async function requireAdmin(request: Request): Promise<Admin | { response: Response }> {
  if (request.headers.has("authorization")) {
    const denied = requireAdminToken(request);
    return denied ? { response: denied } : { actor: "the admin token", by: "admin token", accountId: null };
  }
  const crossSite = refuseCrossSite(request);
  if (crossSite) return { response: crossSite };
  let user: SessionUser | null;
  try {
    user = await currentUser();
  } catch (error) {
    return { response: unavailable(error, "Postgres") };
  }
  if (user?.role === "admin") return { actor: "an admin account", by: user.email, accountId: user.id };
  if (user) return { response: apiError(403, "forbidden", "this needs an admin account") };
  return {
    response: apiError(401, "unauthorized", "sign in as an admin, or send Authorization: Bearer <ADMIN_TOKEN>", { "www-authenticate": 'Bearer realm="admin"' }),
  };
}

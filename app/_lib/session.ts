import { cookies } from "next/headers";
import { SESSION_COOKIE, SESSION_TTL_SEC, type SessionUser, openSession, readSession, revokeSession } from "../../lib/accounts/sessions";
import { env } from "../../lib/env";
import { apiError, refuseCrossSite, requireAdminToken } from "./http";
import { services } from "./services";

/**
 * The session cookie in route handlers and pages: httpOnly (scripts never see it), SameSite=Lax
 * (other sites' forms and fetches do not carry it), Secure when the request came over https.
 */

/** The signed-in account of this request, or null (also when accounts are off). */
export async function currentUser(): Promise<SessionUser | null> {
  const secret = env().SESSION_SECRET;
  if (!secret) return null;
  return readSession(services().db, (await cookies()).get(SESSION_COOKIE)?.value, secret);
}

/** Signs `userId` in on this response. */
export async function startSession(request: Request, userId: string): Promise<void> {
  const { cookie } = await openSession(services().db, userId, sessionSecret());
  (await cookies()).set(SESSION_COOKIE, cookie, { httpOnly: true, sameSite: "lax", secure: isHttps(request), path: "/", maxAge: SESSION_TTL_SEC });
}

/** Signs out: revokes the session and clears the cookie. Returns the user id it belonged to. */
export async function endSession(): Promise<string | null> {
  const jar = await cookies();
  const userId = await revokeSession(services().db, jar.get(SESSION_COOKIE)?.value, sessionSecret());
  jar.delete(SESSION_COOKIE);
  return userId;
}

/** The signed-in account, or the 401 to answer with. */
export async function requireUser(): Promise<{ user: SessionUser } | { response: Response }> {
  const user = await currentUser();
  return user ? { user } : { response: apiError(401, "unauthorized", "sign in first") };
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

/**
 * An admin: `Authorization: Bearer <ADMIN_TOKEN>` (tools, scripts), or a signed-in admin account
 * (the console; a cross-site request is refused). Returns how the caller proved it, for the
 * record ("the admin token", "an admin account"), or the response to answer with.
 */
export async function requireAdmin(request: Request): Promise<{ actor: string } | { response: Response }> {
  if (request.headers.has("authorization")) {
    const denied = requireAdminToken(request);
    return denied ? { response: denied } : { actor: "the admin token" };
  }
  const crossSite = refuseCrossSite(request);
  if (crossSite) return { response: crossSite };
  const user = await currentUser();
  if (user?.role === "admin") return { actor: "an admin account" };
  if (user) return { response: apiError(403, "forbidden", "this needs an admin account") };
  return { response: apiError(401, "unauthorized", "sign in as an admin, or send Authorization: Bearer <ADMIN_TOKEN>", { "www-authenticate": 'Bearer realm="admin"' }) };
}

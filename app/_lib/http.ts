import { timingSafeEqual } from "node:crypto";
import { env } from "../../lib/env";

export type ApiErrorCode = "unauthorized" | "admin_disabled" | "invalid_request" | "unknown_sport" | "unavailable" | "internal";

/** The one error shape every route answers with: `{ error: { code, message } }`. */
export function apiError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/**
 * Checks `Authorization: Bearer <ADMIN_TOKEN>` in constant time. Returns an error response to send,
 * or null when the caller is an admin.
 */
export function requireAdmin(request: Request): Response | null {
  const expected = env().ADMIN_TOKEN;
  if (!expected) return apiError(503, "admin_disabled", "ADMIN_TOKEN is not set on this server, so admin routes are off");
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? "");
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return apiError(401, "unauthorized", match ? "the admin token is wrong" : "send Authorization: Bearer <ADMIN_TOKEN>", { "www-authenticate": 'Bearer realm="admin"' });
  }
  return null;
}

/** Maps infrastructure failures to 503 with a message that names the service, never internals. */
export function unavailable(error: unknown, service: "Redis" | "Postgres"): Response {
  console.error(`[api] ${service} unavailable:`, error instanceof Error ? error.message : error);
  return apiError(503, "unavailable", `${service} is unreachable right now; try again shortly`);
}

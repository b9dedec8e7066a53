import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { lastForwarded } from "@/lib/client-address";
import { env } from "@/lib/env";
import { outageOf } from "@/lib/errors";
import { parseJson } from "@/lib/protocol";

export type ApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "cross_site"
  | "admin_disabled"
  | "accounts_disabled"
  | "invalid_request"
  | "invalid_input"
  | "invalid_stake"
  | "last_admin"
  | "prices_stale"
  | "payload_too_large"
  | "unknown_sport"
  | "not_found"
  | "email_taken"
  | "invalid_credentials"
  | "rate_limited"
  | "idempotency_key_required"
  | "idempotency_key_reused"
  | "unavailable"
  | "internal";

/** The one error shape every route answers with: `{ error: { code, message, …details } }`. */
export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, unknown> = {},
): Response {
  return jsonText(JSON.stringify({ error: { code, message, ...details } }), status, headers);
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(body), status, headers);
}

/** `json` for a body already serialised (e.g. spliced from parts kept in memory): the same headers. */
export function jsonText(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers } });
}

/**
 * State-changing routes refuse requests a browser sent from another site: their `Origin` (which
 * browsers always send on a POST) must be this site's. Requests without one (servers, curl) pass;
 * they carry no one's cookies by accident.
 */
export function refuseCrossSite(request: Request): Response | null {
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  let from: string | null = null;
  try {
    from = new URL(origin).host;
  } catch {
    from = null;
  }
  return from === host ? null : apiError(403, "cross_site", "requests from another site are refused");
}

/**
 * Checks `Authorization: Bearer <ADMIN_TOKEN>` in constant time. Returns an error response to send,
 * or null when the caller is an admin.
 */
export function requireAdminToken(request: Request): Response | null {
  const expected = env().ADMIN_TOKEN;
  if (!expected) return apiError(503, "admin_disabled", "ADMIN_TOKEN is not set on this server, so admin routes are off");
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? "");
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return apiError(401, "unauthorized", match ? "the admin token is wrong" : "send Authorization: Bearer <ADMIN_TOKEN>", {
      "www-authenticate": 'Bearer realm="admin"',
    });
  }
  return null;
}

/**
 * Maps infrastructure failures to 503 with a message that names the service (the one the error
 * says is out of reach, else `service`), never internals. `detail` replaces "try again shortly".
 */
export function unavailable(error: unknown, service: "Redis" | "Postgres", detail = "try again shortly"): Response {
  const named = outageOf(error) ?? service;
  console.error(`[api] ${named} unavailable:`, error instanceof Error ? error.message : error);
  return apiError(503, "unavailable", `${named} is unreachable right now; ${detail}`);
}

/** The largest request body any route here accepts unless it says otherwise, bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads the body as text, at most `maxBytes` of it: a declared Content-Length over the limit is
 * refused before reading anything, and a stream that runs past it is cancelled there. Either way
 * the answer is 413 and the connection is closed rather than drained.
 */
export async function readBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<BodyResult<string>> {
  const tooLarge = (): BodyResult<string> => ({
    ok: false,
    response: apiError(413, "payload_too_large", `the request body is limited to ${maxBytes} bytes`, { connection: "close" }),
  });
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) return tooLarge();
  if (!request.body) return { ok: true, value: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(read.value);
    }
  } catch {
    // The client went away mid-body: nothing to act on, and nobody left to read a detailed answer.
    return { ok: false, response: apiError(400, "invalid_request", "the request body ended early") };
  } finally {
    reader.releaseLock();
  }
  return { ok: true, value: Buffer.concat(chunks).toString("utf8") };
}

/**
 * A bounded JSON body checked against `schema` (an empty body is `{}`): 413 when too large, 400
 * naming the first problem and showing `example` when it does not parse or fit.
 */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>, example: string, maxBytes = MAX_BODY_BYTES): Promise<BodyResult<T>> {
  const body = await readBody(request, maxBytes);
  if (!body.ok) return body;
  const parsed = parseJson(schema, body.value.trim() === "" ? "{}" : body.value);
  if (parsed.ok) return { ok: true, value: parsed.message };
  return { ok: false, response: apiError(400, "invalid_request", `body: ${parsed.error} (e.g. ${example})`) };
}

/**
 * A bounded JSON body for a form-like route: 413 when too large, 400 when it is not JSON, and 422
 * `invalid_input` with a message per field (`fields: { email: "must be an email address" }`) when
 * it does not fit `schema`.
 */
export async function readFields<T>(request: Request, schema: z.ZodType<T>, maxBytes = MAX_BODY_BYTES): Promise<BodyResult<T>> {
  const body = await readBody(request, maxBytes);
  if (!body.ok) return body;
  let raw: unknown;
  try {
    raw = JSON.parse(body.value);
  } catch {
    return { ok: false, response: apiError(400, "invalid_request", "the body must be JSON") };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join(".") || "body"] ??= issue.message;
  const [first] = Object.entries(fields);
  return { ok: false, response: apiError(422, "invalid_input", first ? `${first[0]}: ${first[1]}` : "invalid input", {}, { fields }) };
}

/**
 * The client's address for per-address limits. The web server (server.ts) sets `X-Forwarded-For`
 * to exactly that address before Next.js sees the request: the socket's, or with WEB_TRUST_PROXY
 * the entry the proxy appended (lib/client-address.ts). So the last entry is the one to read.
 */
export function clientAddress(request: Request): string {
  return lastForwarded(request.headers.get("x-forwarded-for")) ?? "unknown";
}

/**
 * 404 naming the record when a path id is not a UUID (it names nothing, and Postgres would refuse
 * the cast), else null.
 */
export function unknownId(id: string, noun: string): Response | null {
  return z.guid().safeParse(id).success ? null : apiError(404, "not_found", `no such ${noun}`);
}

import { timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { env } from "../../lib/env";
import { parseJson } from "../../lib/protocol";

export type ApiErrorCode = "unauthorized" | "admin_disabled" | "invalid_request" | "payload_too_large" | "unknown_sport" | "unavailable" | "internal";

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

/**
 * Maps infrastructure failures to 503 with a message that names the service, never internals.
 * `detail` replaces the default "try again shortly" when the caller knows more.
 */
export function unavailable(error: unknown, service: "Redis" | "Postgres", detail = "try again shortly"): Response {
  console.error(`[api] ${service} unavailable:`, error instanceof Error ? error.message : error);
  return apiError(503, "unavailable", `${service} is unreachable right now; ${detail}`);
}

/** The largest request body any route here accepts unless it says otherwise, bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

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

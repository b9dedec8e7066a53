import type { z } from "zod";

/**
 * Parses raw JSON text with a schema, at any trust boundary (a pub/sub payload, a request body).
 * Never throws: malformed JSON and schema mismatches come back as `{ ok: false, error }` naming
 * the first problem, for the receiver to log and drop or to answer with.
 */
export function parseJson<T>(schema: z.ZodType<T>, raw: string): { ok: true; message: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
}

import { auditPage } from "@/lib/audit";
import { AuditQuery } from "@/lib/protocol/audit";
import { apiError, json, unavailable } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { requireAdmin } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * GET /api/admin/audit?before=<id>&limit=<1–200, 50>&action=<action>&targetType=<type>&targetId=<id>
 * (admin) → `{ entries, next }`: the audit log, newest first; `next` is the `before` of the older
 * page, null at the end. 422 `invalid_input` naming the parameter for anything it does not know
 * or cannot read (a repeated parameter included).
 */
export async function GET(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const query = readQuery(new URL(request.url).searchParams);
  if (!query.ok) return query.response;
  try {
    return json(await auditPage(services().db, query.value));
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

function readQuery(params: URLSearchParams): { ok: true; value: AuditQuery } | { ok: false; response: Response } {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) return { ok: false, response: invalid({ [key]: "is given more than once" }) };
    raw[key] = value;
  }
  const parsed = AuditQuery.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const names = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.join(".") || "query"];
    for (const name of names) fields[name] ??= issue.code === "unrecognized_keys" ? "is not a parameter of this route" : issue.message;
  }
  return { ok: false, response: invalid(fields) };
}

function invalid(fields: Record<string, string>): Response {
  const [first] = Object.entries(fields);
  return apiError(422, "invalid_input", first ? `${first[0]}: ${first[1]}` : "invalid query", {}, { fields });
}

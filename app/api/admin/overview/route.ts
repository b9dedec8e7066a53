import { json } from "@/app/_lib/http";
import { readOverview } from "@/app/_lib/admin-overview";
import { requireAdmin } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * GET /api/admin/overview (admin session or ADMIN_TOKEN): the publisher's status, the relay
 * instances and the odds sources, for the console's once-a-second poll. Always 200 for an admin:
 * a part that cannot be read says so inside, so one outage never blanks the whole console.
 */
export async function GET(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  return json(await readOverview());
}

import { refuseCrossSite, unavailable } from "@/app/_lib/http";
import { accountsDisabled, endSession } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/logout → 204: the session is revoked and its cookie cleared (idempotent), and
 * the account's relay tokens are revoked, so its open sockets leave their private rooms at once.
 */
export async function POST(request: Request): Promise<Response> {
  const refused = accountsDisabled() ?? refuseCrossSite(request);
  if (refused) return refused;
  try {
    await endSession();
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

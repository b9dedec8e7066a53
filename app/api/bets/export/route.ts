import { betsCsv } from "@/lib/bets/bets-csv";
import { listBets } from "@/lib/bets/views";
import { unavailable } from "../../../_lib/http";
import { services } from "../../../_lib/services";
import { requireUser } from "../../../_lib/session";

export const dynamic = "force-dynamic";

/** The most bets one export holds: the newest, far more than a bettor's year. */
const EXPORT_LIMIT = 100_000;

/**
 * GET /api/bets/export → the signed-in bettor's bets as CSV (`text/csv`, a download named
 * `my-bets-<date>.csv`), newest first: when and what was bet, at what price, and how it settled
 * (lib/bets/bets-csv.ts has the columns).
 */
export async function GET(): Promise<Response> {
  const signedIn = await requireUser();
  if ("response" in signedIn) return signedIn.response;
  try {
    const csv = betsCsv(await listBets(services().db, signedIn.user.id, EXPORT_LIMIT));
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="my-bets-${new Date().toISOString().slice(0, 10)}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

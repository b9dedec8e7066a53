import { accountOf } from "@/lib/accounts/accounts";
import { json, unavailable } from "../../_lib/http";
import { services } from "../../_lib/services";
import { requireUser } from "../../_lib/session";

export const dynamic = "force-dynamic";

/** GET /api/account → `{ id, email, role, balance, balanceEntry }` of the signed-in account, or 401. */
export async function GET(): Promise<Response> {
  const signedIn = await requireUser();
  if ("response" in signedIn) return signedIn.response;
  try {
    return json(await accountOf(services().db, signedIn.user));
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

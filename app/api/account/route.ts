import { accountOf } from "../../../lib/accounts/accounts";
import { apiError, json, unavailable } from "../../_lib/http";
import { services } from "../../_lib/services";
import { requireUser } from "../../_lib/session";

export const dynamic = "force-dynamic";

/** GET /api/account → `{ id, email, role, balance, balanceEntry }` of the signed-in account, or 401. */
export async function GET(): Promise<Response> {
  const signedIn = await requireUser();
  if ("response" in signedIn) return signedIn.response;
  try {
    const account = await accountOf(services().db, signedIn.user.id);
    return account ? json(account) : apiError(401, "unauthorized", "sign in first");
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

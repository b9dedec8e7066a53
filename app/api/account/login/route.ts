import { AccountError, signIn } from "../../../../lib/accounts/accounts";
import { apiError, clientAddress, json, unavailable } from "../../../_lib/http";
import { services } from "../../../_lib/services";
import { readCredentials, startSession } from "../../../_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/login `{ email, password }` → 200 `{ id, email, role, balance }` and a session
 * cookie; 401 `invalid_credentials` (the same for an unknown email); 429 `rate_limited` with
 * Retry-After once an account or an address has failed too often (a sliding window in Redis).
 */
export async function POST(request: Request): Promise<Response> {
  const credentials = await readCredentials(request);
  if (!credentials.ok) return credentials.response;
  const { db, signins } = services();
  try {
    const account = await signIn({ db, limiter: signins }, credentials.value, clientAddress(request));
    await startSession(request, account.id);
    return json(account);
  } catch (error) {
    if (!(error instanceof AccountError)) return unavailable(error, "Postgres");
    if (error.code === "rate_limited") return apiError(429, "rate_limited", error.message, { "retry-after": String(error.retryAfterSec ?? 60) });
    return apiError(401, "invalid_credentials", error.message);
  }
}

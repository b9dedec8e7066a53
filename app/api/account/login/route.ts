import { AccountError, signIn } from "@/lib/accounts/accounts";
import { apiError, clientAddress, json, unavailable } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { tooMany } from "@/app/_lib/limits";
import { readCredentials, startSession } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/login `{ email, password }` → 200 `{ id, email, role, balance }` and a session
 * cookie; 401 `invalid_credentials` (the same for an unknown email); 429 `rate_limited` with
 * Retry-After once an account has failed too often from this address, this address too often, or
 * the account too often from addresses it never signed in from (lib/accounts/sign-in-guard.ts).
 */
export async function POST(request: Request): Promise<Response> {
  const credentials = await readCredentials(request);
  if (!credentials.ok) return credentials.response;
  const { db, signins } = services();
  try {
    const account = await signIn({ db, guard: signins }, credentials.value, clientAddress(request));
    await startSession(request, account.id);
    return json(account);
  } catch (error) {
    if (!(error instanceof AccountError)) return unavailable(error, "Postgres");
    if (error.code === "rate_limited") return tooMany(error.message, error.retryAfterMs ?? 60_000);
    return apiError(401, "invalid_credentials", error.message);
  }
}

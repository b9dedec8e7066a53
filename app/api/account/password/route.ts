import { AccountError, changePassword } from "@/lib/accounts/accounts";
import { PasswordChange } from "@/lib/accounts/credentials";
import { apiError, clientAddress, json, readFields, unavailable } from "@/app/_lib/http";
import { tooMany } from "@/app/_lib/limits";
import { services } from "@/app/_lib/services";
import { requireUser, revokeAccess } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/password `{ currentPassword, newPassword }` (signed in) → 200 `{ signedOut }`,
 * the number of the account's other sessions it ended. This session stays; the account's relay
 * tokens are revoked, so every open page drops its private updates until it fetches a fresh
 * token (this one at once, the others only while still signed in). 403 `invalid_credentials`
 * for a wrong current password, counted as a failed sign-in; 429 `rate_limited` with Retry-After
 * past those limits; 422 `invalid_input` with `fields` (the new password: 8–200 characters, not
 * the current one).
 */
export async function POST(request: Request): Promise<Response> {
  const signedIn = await requireUser(request);
  if ("response" in signedIn) return signedIn.response;
  const body = await readFields(request, PasswordChange, 2_048);
  if (!body.ok) return body.response;
  const { db, signins } = services();
  try {
    const signedOut = await changePassword({ db, guard: signins }, signedIn.user, body.value, clientAddress(request));
    await revokeAccess(signedIn.user.id, "password change");
    return json({ signedOut });
  } catch (error) {
    if (!(error instanceof AccountError)) return unavailable(error, "Postgres", "the password was not changed; try again shortly");
    if (error.code === "rate_limited") return tooMany(error.message, error.retryAfterMs ?? 60_000);
    return apiError(403, "invalid_credentials", error.message);
  }
}

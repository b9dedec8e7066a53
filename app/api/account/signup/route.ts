import { AccountError, signUp } from "@/lib/accounts/accounts";
import { env } from "@/lib/env";
import { apiError, clientAddress, json, unavailable } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { limit } from "@/app/_lib/limits";
import { readSignUp, startSession } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/signup `{ email, password, name? }` (name: what chat shows, 1–32 characters;
 * default: the email's local part) → 201 `{ id, email, role, balance }` and a
 * session cookie; the account starts with DEMO_BALANCE. 422 with `fields` for bad input, 409
 * `email_taken`, 429 `rate_limited` past SIGNUP_RATE_MAX_PER_ADDRESS (checked before the password
 * is hashed), 503 when Redis cannot count.
 */
export async function POST(request: Request): Promise<Response> {
  const credentials = await readSignUp(request);
  if (!credentials.ok) return credentials.response;
  const limited = await limit(request, "signup");
  if (limited) return limited;
  try {
    const { db, signins } = services();
    const account = await signUp(db, credentials.value, env().DEMO_BALANCE);
    await startSession(request, account.id);
    // The address that made the account is its owner's: failures from elsewhere never lock it out.
    await signins.remember(account.email, clientAddress(request)).catch(() => {});
    return json(account, 201);
  } catch (error) {
    if (error instanceof AccountError) return apiError(409, "email_taken", error.message);
    return unavailable(error, "Postgres");
  }
}

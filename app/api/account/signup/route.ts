import { AccountError, signUp } from "../../../../lib/accounts/accounts";
import { env } from "../../../../lib/env";
import { apiError, json, unavailable } from "../../../_lib/http";
import { services } from "../../../_lib/services";
import { limit } from "../../../_lib/limits";
import { readSignUp, startSession } from "../../../_lib/session";

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
    const account = await signUp(services().db, credentials.value, env().DEMO_BALANCE);
    await startSession(request, account.id);
    return json(account, 201);
  } catch (error) {
    if (error instanceof AccountError) return apiError(409, "email_taken", error.message);
    return unavailable(error, "Postgres");
  }
}

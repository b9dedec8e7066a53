import type { Db } from "../db";
import { retryAfterSeconds } from "../rate-limit";
import type { Credentials, PasswordChange, SignUpRequest } from "./credentials";
import { defaultDisplayName } from "./display-name";
import { balanceOf, post } from "./ledger";
import { hashPassword, verifyPassword } from "./passwords";
import { type Role, type SessionUser, revokeOtherSessions, roleOf } from "./sessions";
import type { SignInGuard } from "./sign-in-guard";

/** What the account routes answer with (never the password hash). */
export interface AccountView {
  id: string;
  email: string;
  role: Role;
  balance: number;
  /** The ledger entry the balance stands after (see ledger.ts `Balance`). */
  balanceEntry: number;
}

export type AccountErrorCode = "email_taken" | "invalid_credentials" | "rate_limited";

export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    /** For rate_limited: when to try again, ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Creates an account with the demo balance, credited through the ledger in the same
 * transaction. Without a `name`, chat shows the email's local part. A taken email (compared
 * lower-cased) is an AccountError("email_taken").
 */
export async function signUp(db: Db, credentials: SignUpRequest, demoBalance: number, role: Role = "user"): Promise<AccountView> {
  const passwordHash = await hashPassword(credentials.password);
  const name = credentials.name ?? defaultDisplayName(credentials.email);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: credentials.email, name, passwordHash, role: role === "admin" ? "ADMIN" : "USER" },
        select: { id: true, email: true },
      });
      const credited = demoBalance > 0 ? await post(tx, user.id, demoBalance, "DEPOSIT") : null;
      return { id: user.id, email: user.email, role, balance: credited?.balance ?? 0, balanceEntry: credited?.entry ?? 0 };
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2002") throw new AccountError("email_taken", "an account with this email already exists");
    throw error;
  }
}

/**
 * Checks email and password, within the limits on sign-ins (sign-in-guard.ts). Every
 * refusal reads the same ("wrong email or password"), whether or not the account exists. A
 * refused attempt is refused before the password is hashed.
 */
export async function signIn(deps: { db: Db; guard: SignInGuard }, credentials: Credentials, address: string): Promise<AccountView> {
  const attempt = await deps.guard.begin(credentials.email, address);
  if (attempt.retryAfterMs > 0)
    throw new AccountError("rate_limited", `too many sign-in attempts; try again in ${retryAfterSeconds(attempt.retryAfterMs)} s`, attempt.retryAfterMs);
  const user = await deps.db.user.findUnique({ where: { email: credentials.email }, select: { id: true, email: true, role: true, passwordHash: true } });
  const matches = await verifyPassword(user?.passwordHash ?? null, credentials.password);
  if (!user || !matches) throw new AccountError("invalid_credentials", "wrong email or password"); // counted already, by begin
  await deps.guard.succeeded(credentials.email, address, attempt);
  return accountOf(deps.db, { id: user.id, email: user.email, role: roleOf(user.role) });
}

/**
 * Changes a signed-in account's password, given the current one, and ends the account's other
 * sessions in the same transaction (a thief's copy of a cookie stops working with it). A wrong
 * current password counts as a failed sign-in (sign-in-guard.ts), so a stolen session cannot
 * guess its way to the password either. Returns how many other sessions were ended. The caller
 * revokes the account's relay tokens once this has committed.
 */
export async function changePassword(deps: { db: Db; guard: SignInGuard }, user: SessionUser, change: PasswordChange, address: string): Promise<number> {
  const attempt = await deps.guard.begin(user.email, address);
  if (attempt.retryAfterMs > 0)
    throw new AccountError("rate_limited", `too many password attempts; try again in ${retryAfterSeconds(attempt.retryAfterMs)} s`, attempt.retryAfterMs);
  const row = await deps.db.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(row?.passwordHash ?? null, change.currentPassword)))
    throw new AccountError("invalid_credentials", "the current password is wrong");
  await deps.guard.succeeded(user.email, address, attempt);
  const passwordHash = await hashPassword(change.newPassword);
  return deps.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash }, select: { id: true } });
    return revokeOtherSessions(tx, user.id, user.sessionId);
  });
}

/** The account as the routes show it: who it is (as sign-in or the session read it) and its balance now. */
export async function accountOf(db: Db, user: { id: string; email: string; role: Role }): Promise<AccountView> {
  const { balance, entry } = await balanceOf(db, user.id);
  return { id: user.id, email: user.email, role: user.role, balance, balanceEntry: entry };
}

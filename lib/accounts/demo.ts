import type { Db } from "../db";
import { signUp } from "./accounts";
import type { Role } from "./sessions";

/** The accounts a local run has ready to try: one bettor, one admin. */
export const DEMO_ACCOUNTS = [
  { email: "bettor@live-odds.test", name: "Demo bettor", role: "user" },
  { email: "admin@live-odds.test", name: "Admin", role: "admin" },
] as const satisfies readonly { email: string; name: string; role: Role }[];

/**
 * Creates the demo accounts that do not exist yet, with these passwords and the demo balance.
 * Existing ones are left as they are (their password may have been changed on purpose).
 */
export async function ensureDemoAccounts(db: Db, passwords: { bettor: string; admin: string }, demoBalance: number): Promise<void> {
  for (const { email, name, role } of DEMO_ACCOUNTS) {
    if (await db.user.findUnique({ where: { email }, select: { id: true } })) continue;
    await signUp(db, { email, name, password: role === "admin" ? passwords.admin : passwords.bettor }, demoBalance, role);
  }
}

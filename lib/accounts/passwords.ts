import { hash, verify } from "@node-rs/argon2";

/**
 * Password hashing with argon2id (@node-rs/argon2, its defaults: 19 MiB, 2 passes, OWASP's
 * baseline). Hashes carry their own parameters, so raising them later keeps old hashes valid.
 */

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Whether `password` matches `passwordHash`. With no hash (an unknown email) it still does the
 * work of one verification, so response times do not tell which emails have accounts.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const matches = await verify(passwordHash ?? (await decoyHash()), password).catch(() => false);
  return passwordHash !== null && matches;
}

let decoy: Promise<string> | null = null;

function decoyHash(): Promise<string> {
  decoy ??= hash("not a password anyone has: the decoy for unknown emails");
  return decoy;
}

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { openSession, readSession, revokeSession } from "../../lib/accounts/sessions";
import { type Db, createDb } from "../../lib/db";
import { createTestDatabase } from "../support/services";

/**
 * Sign-out on a real Postgres (lib/accounts/sessions.ts): it names the account only when it ended
 * a live session, since that account's relay tokens are then revoked and its open pages lose their
 * private updates.
 */
describe("sessions", () => {
  let db: Db;
  const secret = "a session secret of at least 32 characters";

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "sessions"), { poolSize: 2 });
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  const account = async () => (await signUp(db, { email: `${randomUUID()}@sessions.test`, password: "long enough" }, 0)).id;

  it("signing out names the account once; the same cookie sent again names nobody", async () => {
    const userId = await account();
    const cookie = await openSession(db, userId, secret);
    expect(await readSession(db, cookie, secret)).toMatchObject({ id: userId });
    expect(await revokeSession(db, cookie, secret)).toBe(userId);
    expect(await readSession(db, cookie, secret)).toBeNull();
    // A replayed old cookie: the session is already over, so nothing of the account's is touched.
    expect(await revokeSession(db, cookie, secret)).toBeNull();
    expect(await revokeSession(db, undefined, secret)).toBeNull();
  });

  it("an expired session is not ended again", async () => {
    const userId = await account();
    const cookie = await openSession(db, userId, secret);
    await db.session.updateMany({ where: { userId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await revokeSession(db, cookie, secret)).toBeNull();
    // Another live session of the account is ended as usual.
    expect(await revokeSession(db, await openSession(db, userId, secret), secret)).toBe(userId);
  });
});

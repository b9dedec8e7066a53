import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FullStack, startFullStack } from "../support/full-stack";
import { WebUser } from "../support/web-user";

/** Sign-up, sign-in, sign-out, sessions and relay tokens over real HTTP on the web app (server.ts). */
describe("accounts", () => {
  let stack: FullStack;
  const user = () => new WebUser(stack.web.url);

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "accounts", { SIGNIN_MAX_FAILURES: "3", DEMO_BALANCE: "250" });
  });
  afterAll(async () => stack?.stop());

  it("signs up with the demo balance and a session; the email is taken after that", async () => {
    const alice = user();
    const created = await alice.signUp();
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: expect.any(String), email: alice.email, role: "user", balance: 250 });
    const cookie = created.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^lo_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(await (await alice.get("/api/account")).json()).toMatchObject({ email: alice.email, balance: 250 });
    const again = await new WebUser(stack.web.url, alice.email.toUpperCase()).signUp();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "email_taken" } });
  });

  it("answers bad input with 422 and a message per field", async () => {
    const bad = await user().post("/api/account/signup", { email: "not-an-email", password: "short" });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      error: { code: "invalid_input", fields: { email: expect.any(String), password: "must be at least 8 characters" } },
    });
  });

  it("signs in and out; a signed-out session's cookie no longer works", async () => {
    const bob = user();
    await bob.signUp();
    await bob.post("/api/account/logout", {});
    expect((await bob.get("/api/account")).status).toBe(401);
    const signedIn = await bob.signIn();
    expect(signedIn.status).toBe(200);
    const stolen = bob.sessionCookie();
    expect((await bob.post("/api/account/logout", {})).status).toBe(204);
    const replay = await fetch(`${stack.web.url}/api/account`, { headers: { cookie: `${stolen?.name}=${stolen?.value}` } });
    expect(replay.status).toBe(401);
  });

  it("a wrong password is 401, the same as an unknown email; too many and the account is locked out for a while", async () => {
    const carol = user();
    await carol.signUp();
    const wrong = new WebUser(stack.web.url, carol.email, "not the password");
    const unknown = await new WebUser(stack.web.url, "nobody-here@bettor.test", "whatever1").signIn();
    expect(unknown.status).toBe(401);
    const unknownBody = await unknown.json();
    for (let i = 0; i < 3; i += 1) {
      const answer = await wrong.signIn();
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual(unknownBody);
    }
    const locked = await carol.signIn(); // the right password, too late
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("parallel wrong passwords cannot slip under the limit: each is counted before it is checked", async () => {
    const erin = user();
    await erin.signUp();
    const wrong = new WebUser(stack.web.url, erin.email, "not the password");
    const answers = await Promise.all(Array.from({ length: 10 }, () => wrong.signIn()));
    const codes = answers.map((a) => a.status).sort();
    expect(codes.filter((c) => c === 401)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });

  it("refuses state changes sent from another site", async () => {
    const answer = await user().post("/api/account/signup", { email: "x@bettor.test", password: "long enough" }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ error: { code: "cross_site" } });
  });

  it("gives a signed-in bettor a relay token for their own account that lives five minutes at most", async () => {
    const dave = user();
    const account = await (await dave.signUp()).json();
    const answer = await dave.post("/api/auth/relay-token", {});
    expect(answer.status).toBe(200);
    const { token, expiresAt } = await answer.json();
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: account.id, role: "user" });
    expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
    expect(new Date(expiresAt).getTime()).toBe((claims.exp ?? 0) * 1000);
    expect((await user().post("/api/auth/relay-token", {})).status).toBe(401);
  });
});

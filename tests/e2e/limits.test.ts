import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OddsSnapshot } from "../../lib/protocol";
import { fetchFrom } from "../support/fetch-from";
import { type FullStack, startFullStack } from "../support/full-stack";
import { publisherEnv } from "../support/stack";
import { startWeb } from "../support/web";
import { WebUser } from "../support/web-user";

/**
 * The limits over real HTTP, on the web app as production runs it (server.ts, no trusted proxy).
 * Each test comes from its own loopback address (127.0.0.x), so per-address windows are its own.
 */
describe("limits", () => {
  let stack: FullStack;
  let lastAddress = 1;
  const nextAddress = () => `127.0.0.${(lastAddress += 1)}`;
  /** A new bettor at `address` (a fresh one unless given). */
  const bettor = (address = nextAddress(), email?: string, password?: string) => new WebUser(stack.web.url, email, password, fetchFrom(address));

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "limits", {
      SIGNIN_MAX_FAILURES: "3",
      SIGNIN_MAX_FAILURES_PER_ADDRESS: "5",
      SIGNIN_MAX_FAILURES_PER_ACCOUNT: "4",
      SIGNUP_RATE_MAX_PER_ADDRESS: "3",
      BET_RATE_MAX: "2",
      RELAY_TOKEN_RATE_MAX: "2",
      REPLAY_RATE_MAX_PER_ADDRESS: "2",
    });
  });
  afterAll(async () => stack?.stop());

  /** Expects a 429 `rate_limited` with a Retry-After in whole seconds and a message saying when. */
  async function expectLimited(answer: Response): Promise<void> {
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await answer.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringMatching(/try again/) } });
  }

  it("a client that rotates X-Forwarded-For is still one address: its failed sign-ins hit the per-address limit", async () => {
    const address = nextAddress();
    const answers: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const guess = bettor(address, `nobody-${randomUUID()}@bettor.test`, "a wrong password");
      answers.push((await guess.post("/api/account/login", { email: guess.email, password: guess.password }, { "x-forwarded-for": `198.51.100.${i}` })).status);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another address is not held back by it.
    expect((await bettor(nextAddress(), `nobody-${randomUUID()}@bettor.test`, "a wrong password").signIn()).status).toBe(401);
  });

  it("an attacker's failures never lock the owner out of their account from their own address", async () => {
    const home = nextAddress();
    const owner = bettor(home);
    expect((await owner.signUp()).status).toBe(201);
    const attacker = bettor(nextAddress(), owner.email, "not the password");
    for (let i = 0; i < 3; i += 1) expect((await attacker.signIn()).status).toBe(401);
    await expectLimited(await attacker.signIn());
    // Failures from other addresses add up: with one more, the account has had 4 from addresses it
    // never signed in from, its limit for them, and any new address is refused, right password or not.
    expect((await bettor(nextAddress(), owner.email, "not the password").signIn()).status).toBe(401);
    await expectLimited(await bettor(nextAddress(), owner.email, "not the password").signIn());
    await expectLimited(await bettor(nextAddress(), owner.email, owner.password).signIn());
    // The owner, at home, where the account was made: in, with the right password.
    const back = await bettor(home, owner.email, owner.password).signIn();
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ email: owner.email });
  });

  it("sign-ups per address: past the limit, 429 and no account (no password hashed, no balance credited)", async () => {
    const address = nextAddress();
    for (let i = 0; i < 3; i += 1) expect((await bettor(address).signUp()).status).toBe(201);
    const fourth = bettor(address);
    await expectLimited(await fourth.signUp());
    expect(await stack.db.user.count({ where: { email: fourth.email } })).toBe(0);
    expect((await bettor(nextAddress()).signUp()).status).toBe(201);
  });

  it("bets per account: past the limit, 429 and nothing placed or debited", async () => {
    const user = bettor();
    await user.signUp();
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.find((e) => e.phase === "prematch" && e.status === "active" && e.markets.h2h?.status === "open");
    if (!event) throw new Error("no open prematch event on the board");
    const bet = { eventId: event.id, market: "h2h", outcome: "home", price: event.markets.h2h?.outcomes.home?.price, stake: 10, accept: "any" };
    for (let i = 0; i < 2; i += 1) expect((await user.post("/api/bets", bet, { "idempotency-key": randomUUID() })).status).toBe(201);
    await expectLimited(await user.post("/api/bets", bet, { "idempotency-key": randomUUID() }));
    const mine = await (await user.get("/api/bets")).json();
    expect(mine.bets).toHaveLength(2);
    expect(mine.balance).toBe(1000 - 20);
  });

  it("relay tokens per account: past the limit, 429", async () => {
    const user = bettor();
    await user.signUp();
    for (let i = 0; i < 2; i += 1) expect((await user.post("/api/auth/relay-token", {})).status).toBe(200);
    await expectLimited(await user.post("/api/auth/relay-token", {}));
  });

  it("history reads (?since=) per address: past the limit, 429; the snapshot itself is not limited", async () => {
    const send = fetchFrom(nextAddress());
    const replay = () => send(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba&since=0`);
    expect((await replay()).status).toBe(200);
    expect((await replay()).status).toBe(200);
    await expectLimited(await replay());
    for (let i = 0; i < 4; i += 1) expect((await send(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).status).toBe(200);
  });

  it("behind a trusted proxy (WEB_TRUST_PROXY) the address is the last X-Forwarded-For entry, the one the proxy appended", async () => {
    const proxied = await startWeb({ ...publisherEnv(stack.dbUrl, stack.redis.url), SIGNIN_MAX_FAILURES_PER_ADDRESS: "2", WEB_TRUST_PROXY: "true" });
    try {
      const signIn = (forwardedFor: string) =>
        fetch(`${proxied.url}/api/account/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
          body: JSON.stringify({ email: `nobody-${randomUUID()}@bettor.test`, password: "a wrong password" }),
        });
      // What the client put left of the proxy's entry does not matter: one client, one window.
      expect((await signIn("1.1.1.1, 203.0.113.50")).status).toBe(401);
      expect((await signIn("2.2.2.2, 203.0.113.50")).status).toBe(401);
      await expectLimited(await signIn("3.3.3.3, 203.0.113.50"));
      // Another client behind the same proxy is counted apart.
      expect((await signIn("1.1.1.1, 203.0.113.51")).status).toBe(401);
    } finally {
      await proxied.stop();
    }
  });

  // Last: it takes Redis away from the whole stack for a moment.
  it("with Redis out of reach, sign-up and sign-in fail closed: 503 naming Redis, and no account made", async () => {
    await stack.redis.halt();
    try {
      const user = bettor();
      const signUp = await user.signUp();
      expect(signUp.status).toBe(503);
      expect(await signUp.json()).toMatchObject({ error: { code: "unavailable", message: expect.stringContaining("Redis") } });
      expect(await stack.db.user.count({ where: { email: user.email } })).toBe(0);
      const signIn = await user.signIn();
      expect(signIn.status).toBe(503);
      expect(await signIn.json()).toMatchObject({ error: { code: "unavailable", message: expect.stringContaining("Redis") } });
    } finally {
      await stack.redis.restart();
    }
  });
});

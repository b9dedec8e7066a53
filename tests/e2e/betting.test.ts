import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { CHANNELS, type OddsSnapshot } from "../../lib/protocol";
import { carrySession, launchBrowser } from "../support/browser";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

/** Betting over HTTP, on the relay and in Chromium, against the whole stack. */
describe("betting", () => {
  let stack: FullStack;
  let browser: Browser;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    // NBA's in-play bets wait 2 s here: the per-sport delay reaches the slip from the server's configuration.
    stack = await startFullStack(inject("pgServerUrl"), "betting", { DEMO_BALANCE: "1000", BET_INPLAY_DELAYS: "basketball=2000" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await browser?.close();
    await stack?.stop();
  });

  /** A prematch NBA outcome on the board now, with its price. */
  async function pick(skip = 0, market = "h2h", outcome = "home") {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.phase === "prematch" && e.status === "active")[skip];
    const price = event?.markets[market]?.outcomes[outcome]?.price;
    if (!event || !price) throw new Error("no such selection on the board");
    return { eventId: event.id, market, outcome, price };
  }

  async function pickStatus(eventId: string): Promise<string | undefined> {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    return snapshot.events.find((e) => e.id === eventId)?.markets.h2h?.status;
  }

  async function signedUp(): Promise<WebUser & { id: string }> {
    const user = new WebUser(stack.web.url);
    const account = await (await user.signUp()).json();
    return Object.assign(user, { id: account.id as string });
  }

  async function socketOf(user: WebUser | null): Promise<TestClient> {
    const token = user ? (await (await user.post("/api/auth/relay-token", {})).json()).token : undefined;
    const socket = await connectClient(stack.relay.url, token ? { token } : {});
    sockets.push(socket);
    return socket;
  }

  it("200 concurrent bets over HTTP from one account that can afford 40: exactly 40 taken, the pool moves by exactly that", async () => {
    const user = await signedUp();
    const selection = await pick(0, "totals", "over");
    const outcome = await stack.db.outcome.findFirstOrThrow({
      where: { key: "over", market: { key: "totals", eventId: selection.eventId } },
      select: { id: true, stakeTotal: true },
    });
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => user.post("/api/bets", { ...selection, stake: 25, accept: "any" }, { "idempotency-key": randomUUID() })),
    );
    const codes = answers.map((a) => a.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(40);
    expect(codes.filter((c) => c === 422)).toHaveLength(160);
    expect(await (await user.get("/api/account")).json()).toMatchObject({ balance: 0 });
    const after = await stack.db.outcome.findUniqueOrThrow({ where: { id: outcome.id }, select: { stakeTotal: true } });
    expect(Number(after.stakeTotal) - Number(outcome.stakeTotal)).toBe(1000);
    const ledger = await stack.db.ledgerEntry.aggregate({ where: { userId: user.id }, _sum: { amount: true }, _min: { balance: true } });
    expect(Number(ledger._sum.amount)).toBe(0);
    expect(Number(ledger._min.balance)).toBeGreaterThanOrEqual(0);
  });

  it("answers every refusal with its code: price moved, bad stake, no key, signed out", async () => {
    const user = await signedUp();
    const selection = await pick(1);
    const moved = await user.post(
      "/api/bets",
      { ...selection, price: selection.price + 0.37, stake: 10, accept: "exact" },
      { "idempotency-key": randomUUID() },
    );
    expect(moved.status).toBe(409);
    expect(await moved.json()).toMatchObject({ error: { code: "price_changed", price: selection.price } });
    const cents = await user.post("/api/bets", { ...selection, stake: 10.123, accept: "any" }, { "idempotency-key": randomUUID() });
    expect(cents.status).toBe(422);
    expect(await cents.json()).toMatchObject({ error: { code: "invalid_stake", fields: { stake: "must have at most two decimals" } } });
    const noKey = await user.post("/api/bets", { ...selection, stake: 10, accept: "any" });
    expect(noKey.status).toBe(400);
    const anonymous = await new WebUser(stack.web.url).post("/api/bets", { ...selection, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() });
    expect(anonymous.status).toBe(401);
  });

  it("a bettor's updates reach their own sockets only: not another bettor's, not an anonymous one", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const [aliceSocket, bobSocket, anonymous] = [await socketOf(alice), await socketOf(bob), await socketOf(null)];
    await anonymous.emit("subscribe", { sports: ["basketball_nba"], events: ["marker-room"] });
    const selection = await pick(2);
    expect((await alice.post("/api/bets", { ...selection, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() })).status).toBe(201);
    expect(await aliceSocket.waitFor("user:update")).toMatchObject({ kind: "bet_accepted", userId: alice.id, balance: 990, bet: { stake: 10 } });
    expect((await bob.post("/api/bets", { ...selection, stake: 20, accept: "any" }, { "idempotency-key": randomUUID() })).status).toBe(201);
    expect(await bobSocket.waitFor("user:update")).toMatchObject({ kind: "bet_accepted", userId: bob.id, balance: 980 });
    // Published after both updates were delivered: once it arrives, anything meant for these sockets has.
    const bus = new Redis(stack.redis.url);
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: "m", eventId: "marker-room", user: { id: "t", name: "t" }, text: "marker", ts: Date.now() }),
    );
    bus.disconnect();
    await anonymous.waitFor("chat:message", (m) => m.text === "marker");
    expect(anonymous.of("user:update")).toEqual([]);
    expect(aliceSocket.of("user:update").map((u) => u.userId)).toEqual([alice.id]);
    expect(bobSocket.of("user:update").map((u) => u.userId)).toEqual([bob.id]);
  });

  it("admins settle, void and suspend over HTTP; bettors hear their settled bets live; bettors are no admins", async () => {
    const user = await signedUp();
    const socket = await socketOf(user);
    const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const selection = await pick(3);
    const market = await stack.db.market.findFirstOrThrow({ where: { eventId: selection.eventId, key: "h2h" }, select: { id: true } });
    const adminPost = (path: string, body: unknown) =>
      fetch(`${stack.web.url}${path}`, { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await user.post(`/api/admin/markets/${market.id}/status`, { status: "suspended" })).status).toBe(403);
    expect((await adminPost(`/api/admin/markets/${market.id}/status`, { status: "suspended" })).status).toBe(200);
    expect(await (await user.post("/api/bets", { ...selection, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() })).json()).toMatchObject({
      error: { code: "market_suspended" },
    });
    expect((await adminPost(`/api/admin/markets/${market.id}/status`, { status: "open" })).status).toBe(200);
    // Bets follow the board: the market takes bets again once the board shows it open.
    await until(async () => (await pickStatus(selection.eventId)) === "open", 10_000, "the market open on the board");
    const placed = await (await user.post("/api/bets", { ...selection, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() })).json();
    expect(placed).toMatchObject({ bet: { status: "open" } });
    const settled = await adminPost(`/api/admin/events/${selection.eventId}/result`, { home: 120, away: 100 });
    expect(await settled.json()).toMatchObject({ settled: [{ id: placed.bet.id, status: "won", payout: placed.bet.potentialReturn }] });
    expect(await socket.waitFor("user:update", (u) => u.kind === "bet_settled")).toMatchObject({
      bet: { id: placed.bet.id, status: "won" },
      balance: 990 + placed.bet.potentialReturn,
    });
    expect((await adminPost(`/api/admin/events/${selection.eventId}/void`, {})).status).toBe(409); // already over
  });

  it("Chromium: sign up, bet from the slip; a second tab of the same bettor sees it live, another bettor sees nothing", async () => {
    const mine = await browser.newContext();
    const theirs = await browser.newContext();
    const otherBettor = await signedUp();
    await carrySession(theirs, otherBettor, stack.web.url);
    try {
      const [tab, secondTab, other] = [await open(mine), await open(mine, false), await open(theirs, false)];
      const email = `${randomUUID()}@chromium.test`;
      await tab.locator('.event:not(.suspended) [data-market="h2h"] .outcome').first().click();
      await tab.locator(".dialog.auth").waitFor();
      await tab.click('.dialog button.link:has-text("Create an account")');
      await tab.fill("input[name=email]", email);
      await tab.fill("input[name=password]", "a good long password");
      await tab.click(".dialog button[type=submit]");
      await tab.locator(".bet-slip").waitFor();
      // The account bar renders the new account's balance on its own: wait for it rather than read it once.
      await tab.locator('.account-bar .balance[data-balance="1000"]').waitFor();
      await secondTab.reload(); // signed in now (same cookies)
      await secondTab.locator(`.account-bar[data-signed-in="${email}"][data-personal="live"]`).waitFor(); // and listening
      await other.locator(`.account-bar[data-signed-in="${otherBettor.email}"][data-personal="live"]`).waitFor();
      await other.locator('.live-status[data-connection="live"]').waitFor();
      await secondTab.evaluate(() => ((window as unknown as { __marker: number }).__marker = 5));
      await tab.fill("input[name=stake]", "30");
      await tab.click(".bet-slip .place");
      await tab.locator(".slip-answer.placed").waitFor();
      await tab.locator('.account-bar .balance[data-balance="970"]').waitFor();
      // The second tab hears it from the relay, without a reload.
      await secondTab.locator('.account-bar .balance[data-balance="970"]').waitFor();
      await secondTab.locator('.account-bar button[data-open-bets="1"]').click();
      await secondTab.locator(".my-bets .bet[data-status=open]").waitFor();
      expect(await secondTab.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(5);
      // The other bettor's page, signed in and live all along: their balance and bets untouched.
      expect(await other.locator(".account-bar .balance").getAttribute("data-balance")).toBe("1000");
      expect(await other.locator(".account-bar button[data-open-bets]").getAttribute("data-open-bets")).toBe("0");
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it("Chromium: an in-play selection says how long the bet waits, counts down while it does, then shows the bet placed", async () => {
    const context = await browser.newContext();
    const bettor = await signedUp();
    await carrySession(context, bettor, stack.web.url);
    try {
      const page = await open(context);
      await page.locator(`.account-bar[data-signed-in="${bettor.email}"]`).waitFor();
      await page.locator('.event[data-phase="live"]:not(.suspended) [data-market="h2h"] .outcome').first().click();
      const slip = page.locator(".bet-slip");
      await slip.locator('.slip-delay[data-delay-ms="2000"]').waitFor();
      expect(await slip.locator(".slip-delay").textContent()).toMatch(/^In play: your bet waits 2 s before it is accepted/);
      await page.fill("input[name=stake]", "12");
      await slip.locator(".place").click();
      const countdown = slip.locator("[data-countdown]");
      await countdown.waitFor();
      expect(await countdown.textContent()).toMatch(/^Accepting( in [12] s)?…$/);
      await slip.locator(".slip-answer.placed").waitFor();
      expect(await slip.locator(".slip-answer.placed").textContent()).toMatch(/^Bet placed: 12\.00 at .*, after a 2(\.\d)? s in-play delay\.$/);
      expect(await countdown.count()).toBe(0);
      await page.locator('.account-bar .balance[data-balance="988"]').waitFor();
      const bets = await stack.db.bet.findMany({ where: { userId: bettor.id }, select: { stake: true } });
      expect(bets.map((b) => Number(b.stake))).toEqual([12]);
    } finally {
      await context.close();
    }
  });

  it("My bets: open and settled apart, and the whole history as CSV; Chromium shows each filter", async () => {
    const bettor = await signedUp();
    const [first, second] = [await pick(4), await pick(5)];
    const kept = await (await bettor.post("/api/bets", { ...first, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() })).json();
    const settled = await (await bettor.post("/api/bets", { ...second, stake: 15, accept: "any" }, { "idempotency-key": randomUUID() })).json();
    const result = await fetch(`${stack.web.url}/api/admin/events/${second.eventId}/result`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ home: 90, away: 100 }),
    });
    expect(result.status).toBe(200);
    const exported = await bettor.get("/api/bets/export");
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(exported.headers.get("content-disposition")).toMatch(/^attachment; filename="my-bets-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await exported.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("placed_at,event,market,selection,point,stake,price,potential_return,status,settled_at,payout,void_reason,bet_id");
    expect(lines).toHaveLength(3);
    // Newest first: the settled bet (home lost) was placed second.
    expect(lines[1]).toMatch(new RegExp(`,h2h,[^,]*,,15\\.00,${settled.bet.price},[\\d.]+,lost,[^,]+,0\\.00,,${settled.bet.id}$`));
    expect(lines[2]).toMatch(new RegExp(`,10\\.00,${kept.bet.price},[\\d.]+,open,,,,${kept.bet.id}$`));
    expect((await new WebUser(stack.web.url).get("/api/bets/export")).status).toBe(401);

    const context = await browser.newContext();
    await carrySession(context, bettor, stack.web.url);
    try {
      const page = await open(context);
      await page.locator('.account-bar button[data-open-bets="1"]').click();
      const panel = page.locator(".my-bets");
      await panel.locator(`.bet[data-bet-id="${kept.bet.id}"]`).waitFor();
      expect(await panel.locator(".bet").count()).toBe(1);
      await panel.locator('[data-filter="settled"]').click();
      await panel.locator(`.bet[data-bet-id="${settled.bet.id}"][data-status="lost"]`).waitFor();
      expect(await panel.locator(".bet").count()).toBe(1);
      await panel.locator('[data-filter="all"]').click();
      await panel.locator(".bet").nth(1).waitFor();
      expect(await panel.locator(".bet").count()).toBe(2);
      expect(await panel.locator("a.export").getAttribute("href")).toBe("/api/bets/export");
    } finally {
      await context.close();
    }
  });

  async function open(context: BrowserContext, live = true): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${stack.web.url}/sports?sport=basketball_nba`);
    if (live) await page.locator('.live-status[data-connection="live"]').waitFor();
    return page;
  }
});

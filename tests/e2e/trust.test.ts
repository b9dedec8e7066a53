import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { type OddsSnapshot, readTrust } from "../../lib/protocol";
import { carrySession, launchBrowser } from "../support/browser";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { TEST_ADMIN_TOKEN, startFeed } from "../support/stack";
import { WebUser } from "../support/web-user";

/**
 * A price on screen is live and a price taken is right, end to end: the real simulator as the
 * producer, the publisher judging it, the relay, the web app over HTTP and a bettor's page in
 * Chromium. The producer's silence limit is 2 s here and every in-play bet waits 1 s.
 */
describe("trust: live prices only", () => {
  const SPORT = "basketball_nba";
  let stack: FullStack;
  let feed: Proc | null = null;
  let redis: Redis;
  let browser: Browser;

  const feedEnv = { SIMULATOR_ENABLED: "true", SIMULATOR_PRICE_UPDATES_PER_SEC: "40", SIMULATOR_BETS_PER_SEC: "0", FEED_LEADER_TTL_MS: "1500" };

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "trust", {
      SIMULATOR_ENABLED: "true",
      PRODUCER_SILENCE_MS: "2000",
      BET_INPLAY_DELAY_MS: "1000",
      BET_INPLAY_DELAYS: "",
      DEMO_BALANCE: "1000",
    });
    redis = new Redis(stack.redis.url);
    feed = await startFeed(stack.dbUrl, stack.redis.url, feedEnv);
    browser = await launchBrowser();
    await until(async () => (await readTrust(redis))?.producer.state === "up", 30_000, "the simulator vouched for");
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed ?? undefined, stack?.publisher, stack?.web], 60));
  afterAll(async () => {
    await browser?.close();
    await feed?.stop();
    redis?.disconnect();
    await stack?.stop();
  });

  const admin = (path: string, method: "POST" | "DELETE", body: unknown = {}) =>
    fetch(`${stack.web.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  async function board(): Promise<OddsSnapshot> {
    return (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=${SPORT}`)).json()) as OddsSnapshot;
  }

  /** An outcome on the board now, of a prematch or an in-play event, with an open market. */
  async function pick(phase: "prematch" | "live", market = "h2h", outcome = "home") {
    const snapshot = await board();
    const event = snapshot.events.find((e) => e.phase === phase && e.status === "active" && e.markets[market]?.status === "open");
    const price = event?.markets[market]?.outcomes[outcome]?.price;
    if (!event || !price) throw new Error(`no open ${phase} ${market} on the board`);
    return { eventId: event.id, market, outcome, price };
  }

  async function bettor(): Promise<WebUser & { id: string }> {
    const user = new WebUser(stack.web.url);
    const account = (await (await user.signUp()).json()) as { id: string };
    return Object.assign(user, { id: account.id });
  }

  const bet = (user: WebUser, selection: { eventId: string; market: string; outcome: string; price: number }) =>
    user.post("/api/bets", { ...selection, stake: 10, accept: "any" }, { "idempotency-key": randomUUID() });

  /** Nothing was debited and no bet recorded for this bettor. */
  async function untouched(user: WebUser & { id: string }): Promise<void> {
    expect(await (await user.get("/api/account")).json()).toMatchObject({ balance: 1000 });
    expect(await stack.db.bet.count({ where: { userId: user.id } })).toBe(0);
  }

  async function page(context: BrowserContext): Promise<Page> {
    const tab = await context.newPage();
    await tab.goto(`${stack.web.url}/sports?sport=${SPORT}`);
    await tab.locator('.live-status[data-connection="live"][data-feed="live"]').waitFor({ timeout: 30_000 });
    return tab;
  }

  it("a market whose bookmakers all left is suspended on the board within a tick, and a bet on it is refused for want of prices", async () => {
    const user = await bettor();
    const selection = await pick("prematch", "totals", "over");
    await stack.db.bookPrice.deleteMany({ where: { outcome: { market: { eventId: selection.eventId, key: "totals" } } } });
    await until(
      async () => (await board()).events.find((e) => e.id === selection.eventId)?.markets.totals?.status === "suspended",
      10_000,
      "the bookless market suspended on the board",
    );
    const event = (await board()).events.find((e) => e.id === selection.eventId);
    expect(Object.values(event?.markets.totals?.outcomes ?? {}).map((o) => o.fair)).toEqual([null, null]);
    const refused = await bet(user, selection);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "market_suspended", reason: "no_prices" } });
    await untouched(user);
  });

  it("the feed process dies: the page says Stale with why, bets are refused; it comes back: Live, and only markets with fresh prices of their own reopen", async () => {
    const user = await bettor();
    const context = await browser.newContext();
    try {
      const tab = await page(context);
      // An in-play market an admin suspended: no producer may ever reopen it.
      const [held] = await stack.db.market.findMany({
        where: { key: "spreads", status: "OPEN", event: { sport: SPORT, phase: "LIVE", status: "ACTIVE" } },
        select: { id: true },
        take: 1,
      });
      if (!held) throw new Error("no in-play spreads market");
      expect((await admin(`/api/admin/markets/${held.id}/status`, "POST", { status: "suspended" })).status).toBe(200);
      // An in-play market whose books all left: it can never have fresh prices of its own.
      const [bookless] = await stack.db.market.findMany({
        where: { key: "totals", status: "OPEN", event: { sport: SPORT, phase: "LIVE", status: "ACTIVE" } },
        select: { id: true },
        take: 1,
      });
      if (!bookless) throw new Error("no in-play totals market");
      await stack.db.bookPrice.deleteMany({ where: { outcome: { marketId: bookless.id } } });

      await feed?.kill();
      feed = null;
      await tab.locator('.live-status[data-feed="stale"]').waitFor({ timeout: 20_000 });
      expect(await tab.locator(".live-status").innerText()).toMatch(/Stale[\s\S]*simulator/);
      // The bet stop: every open in-play market of the sport is suspended by the feed's mark.
      const inPlay = { event: { sport: SPORT, phase: "LIVE" as const, status: "ACTIVE" as const } };
      await until(async () => (await stack.db.market.count({ where: { ...inPlay, status: "OPEN" } })) === 0, 20_000, "in-play markets stopped");
      const suspended = await stack.db.market.findMany({ where: { ...inPlay, feedSuspendedAt: { not: null } }, select: { id: true, feedSuspendedAt: true } });
      expect(suspended.map((m) => m.id)).toContain(bookless.id);
      expect(suspended.map((m) => m.id)).not.toContain(held.id);
      const stopped = suspended.filter((m) => m.id !== bookless.id);
      expect(stopped.length).toBeGreaterThan(0);

      const prematch = await pick("prematch");
      const refused = await bet(user, prematch);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: "prices_stale", reason: "producer_down" } });
      const live = await stack.db.outcome.findFirstOrThrow({
        where: { key: "home", market: { id: stopped[0]?.id } },
        select: { market: { select: { key: true, eventId: true } } },
      });
      const inPlayRefused = await bet(user, { eventId: live.market.eventId, market: live.market.key, outcome: "home", price: 2 });
      // Stopped in Postgres by the bet stop, which placement checks before the prices' trust.
      expect(inPlayRefused.status).toBe(409);
      expect(await inPlayRefused.json()).toMatchObject({ error: { code: "market_suspended" } });
      await untouched(user);

      feed = await startFeed(stack.dbUrl, stack.redis.url, feedEnv);
      await tab.locator('.live-status[data-feed="live"]').waitFor({ timeout: 20_000 });
      const ids = stopped.map((m) => m.id);
      await until(
        async () => (await stack.db.market.count({ where: { id: { in: ids }, status: "OPEN" } })) === ids.length,
        20_000,
        "the stopped markets reopened",
      );
      for (const market of stopped) {
        const outcomes = await stack.db.outcome.findMany({ where: { marketId: market.id }, select: { prices: { select: { lastUpdate: true } } } });
        for (const outcome of outcomes) {
          expect(outcome.prices.length).toBeGreaterThan(0);
          expect(outcome.prices.every((p) => p.lastUpdate > (market.feedSuspendedAt as Date))).toBe(true);
        }
      }
      // Every market the bet stop took that has prices has reopened (above), so the producer's
      // recovery has run: the admin's stays, and so does the one with no prices to re-quote.
      expect(await stack.db.market.findUniqueOrThrow({ where: { id: held.id }, select: { status: true, feedSuspendedAt: true } })).toEqual({
        status: "SUSPENDED",
        feedSuspendedAt: null,
      });
      expect(await stack.db.market.findUniqueOrThrow({ where: { id: bookless.id }, select: { status: true, feedSuspendedAt: true } })).toEqual({
        status: "SUSPENDED",
        feedSuspendedAt: expect.any(Date),
      });

      await until(async () => (await readTrust(redis))?.producer.state === "up", 10_000, "vouched for again");
      const reopened = await stack.db.outcome.findFirstOrThrow({
        where: { key: "home", market: { id: stopped[0]?.id } },
        select: { market: { select: { key: true, eventId: true } } },
      });
      await until(
        async () => (await board()).events.find((e) => e.id === reopened.market.eventId)?.markets[reopened.market.key]?.status === "open",
        10_000,
        "the reopened market open on the board",
      );
      const taken = await bet(user, { eventId: reopened.market.eventId, market: reopened.market.key, outcome: "home", price: 2 });
      expect(taken.status).toBe(201);
      expect(((await taken.json()) as { delayedMs: number }).delayedMs).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it("the publisher stopped by an admin: the page says Paused, and the slip and the route refuse bets; started again: taken", async () => {
    const user = await bettor();
    const context = await browser.newContext();
    await carrySession(context, user, stack.web.url);
    try {
      const tab = await page(context);
      expect((await admin("/api/sports/ws-publisher", "DELETE")).status).toBe(200);
      await until(async () => (await readTrust(redis))?.publisher.status === "stopped", 10_000, "the trust record says stopped");
      await tab.locator('.live-status[data-feed="stopped"]').waitFor({ timeout: 20_000 });

      const selection = await pick("prematch");
      const refused = await bet(user, selection);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: "prices_stale", reason: "publisher_stopped" } });
      await tab.locator('.event[data-phase="prematch"]:not(.suspended) [data-market="h2h"] .outcome').first().click();
      await tab.locator(".bet-slip .place").click();
      await tab.locator(".slip-answer.refused").waitFor();
      expect(await tab.locator(".slip-answer.refused").innerText()).toMatch(/paused/i);
      await untouched(user);

      expect((await admin("/api/sports/ws-publisher", "POST")).status).toBe(200);
      await until(async () => (await readTrust(redis))?.publisher.status === "ok", 10_000, "the trust record says ok");
      const taken = await bet(user, await pick("prematch"));
      expect(taken.status).toBe(201);
    } finally {
      await context.close();
    }
  });
});

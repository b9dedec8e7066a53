import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed, onTestFinished } from "vitest";
import { signRelayToken } from "../../lib/accounts/relay-token";
import { type FakeOddsApi, startFakeOddsApi } from "../../lib/feed/odds-api/fake/server";
import { KEYS, type OddsSnapshot, type SourceReport, readSourceReport, readTrust } from "../../lib/protocol";
import { launchBrowser } from "../support/browser";
import { type Proc, logsOnFailure } from "../support/processes";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_JWT_SECRET, startFeed } from "../support/stack";

const SPORT = "basketball_nba";

/**
 * The Odds API as the odds source, end to end against the local fake: real v4 answers with usage
 * headers, written into Postgres by the poller, published and delivered; every fault mode and
 * what a bettor and an admin see of it.
 */
describe("odds source: The Odds API (against the fake)", () => {
  let fake: FakeOddsApi;
  let stack: FullStack;
  let feed: Proc;
  let redis: Redis;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    // No drift: prices and scores move only when a test moves them.
    fake = await startFakeOddsApi({ seed: 11, monthlyCredits: 10_000_000, driftMs: 1_000_000_000 });
    // The publisher and the web app expect the poller: its beats decide which sports are live.
    stack = await startFullStack(inject("pgServerUrl"), "odds_source", { ODDS_SOURCE: "the-odds-api" }, { seed: false });
    redis = new Redis(stack.redis.url);
    feed = await startFeed(stack.dbUrl, stack.redis.url, {
      ODDS_SOURCE: "the-odds-api",
      ODDS_API_KEY: fake.apiKey,
      ODDS_API_BASE_URL: fake.url,
      ODDS_API_SPORTS: `${SPORT},soccer_epl,not_a_sport`,
      ODDS_API_MONTHLY_CREDITS: "10000000",
      ODDS_API_MIN_INTERVAL_MS: "1000",
      ODDS_API_BREAKER_FAILURES: "2",
      ODDS_API_BREAKER_COOLDOWN_MS: "1500",
    });
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed, stack?.publisher], 400));
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    redis?.disconnect();
    await feed?.stop();
    await stack?.stop();
    await fake?.stop();
  });

  const report = async (): Promise<SourceReport | null> => readSourceReport(redis);
  const snapshot = async (): Promise<OddsSnapshot> => (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=${SPORT}`)).json()) as OddsSnapshot;

  async function watcher(token?: string): Promise<TestClient> {
    const socket = await connectClient(stack.relay.url, token ? { token } : {});
    sockets.push(socket);
    await socket.emit("subscribe", { sports: [SPORT] });
    return socket;
  }

  /** Our id and the provider's of an event on the board, in play or not. */
  async function eventOnBoard(live: boolean): Promise<{ id: string; externalId: string; home: string }> {
    await until(async () => (await snapshot()).events?.length > 0, 30_000, "events on the board");
    const board = await snapshot();
    const rows = await stack.db.event.findMany({
      where: { id: { in: board.events.map((e) => e.id) }, phase: live ? "LIVE" : "PREMATCH" },
      select: { id: true, externalId: true, homeTeam: true },
    });
    const row = rows[0];
    if (!row?.externalId) throw new Error(`no ${live ? "in-play" : "prematch"} event on the board`);
    return { id: row.id, externalId: row.externalId, home: row.homeTeam };
  }

  /**
   * Every book re-prices the event's h2h home side by a cent, in a later second than the
   * market's suspension (the provider's last_update has whole seconds): fresh prices of its own.
   */
  async function reprice(event: { id: string; externalId: string; home: string }): Promise<void> {
    const { feedSuspendedAt } = await stack.db.market.findFirstOrThrow({ where: { eventId: event.id, key: "h2h" }, select: { feedSuspendedAt: true } });
    const suspendedAt = feedSuspendedAt?.getTime() ?? Date.now();
    await until(async () => Date.now() >= Math.floor(suspendedAt / 1000) * 1000 + 1000, 5_000, "the second after the suspension");
    const homes = await stack.db.bookPrice.findMany({
      where: { outcome: { key: "home", market: { eventId: event.id, key: "h2h" } } },
      select: { bookmaker: true, price: true },
    });
    expect(homes.length).toBeGreaterThan(0);
    for (const { bookmaker, price } of homes)
      fake.control.move({ eventId: event.externalId, bookmaker, market: "h2h", outcome: event.home, price: Math.round(price * 100 + 1) / 100 });
  }

  /** The h2h status of an event's market in Postgres. */
  const h2hStatus = async (eventId: string) => (await stack.db.market.findFirstOrThrow({ where: { eventId, key: "h2h" }, select: { status: true } })).status;
  const oddsPolls = () => fake.control.stats().bySport[SPORT]?.odds?.calls ?? 0;

  /**
   * The event's h2h open, its sport vouched for. A poll that failed in an earlier test (a
   * malformed answer) lets the sport's vouch lapse once, until its next poll an interval later,
   * and the bet stop may have taken the market meanwhile: it reopens on a re-priced book.
   */
  async function openH2h(event: { id: string; externalId: string; home: string }): Promise<void> {
    await until(async () => (await readTrust(redis))?.staleSports[SPORT] === undefined, 30_000, "the sport vouched for");
    if ((await h2hStatus(event.id)) === "OPEN") return;
    await reprice(event);
    await until(async () => (await h2hStatus(event.id)) === "OPEN", 30_000, "the market reopened");
  }

  it("brings sports and events onto the board without seeding, reports an unknown sport, and spends what the provider counts", async () => {
    await until(async () => (await snapshot()).events?.length > 0, 30_000, "events on the board");
    const sports = await stack.db.sport.findMany({ select: { key: true } });
    expect(sports.map((s) => s.key).sort()).toEqual([SPORT, "soccer_epl"].sort());
    await until(async () => ((await report())?.spend.total ?? 0) > 0, 10_000, "a paid call in the report");
    const current = (await report()) as SourceReport;
    expect(current.unknownSports).toEqual(["not_a_sport"]);
    expect(current.state).toBe("ok");
    // The provider's count is the truth: our usage is what its headers said.
    expect(current.usage?.used).toBeLessThanOrEqual(fake.control.stats().used);
    expect(current.plan?.sports.map((s) => s.sport).sort()).toEqual([SPORT, "soccer_epl"].sort());
    const status = (await (await fetch(`${stack.web.url}/api/sports/ws-publisher`)).json()) as { source: SourceReport | null };
    expect(status.source?.spend.bySport.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`${stack.web.url}/api/metrics`)).text();
    expect(metrics).toMatch(/odds_source_spent_credits_by_sport\{sport="basketball_nba"\} \d+/);
    expect(metrics).toContain("publisher_running 1");
    expect(metrics).toMatch(/publisher_tick_duration_seconds\{quantile="p99"\} [\d.e-]+/);
  });

  it("a price moved at the provider reaches a socket as a delta carrying the new best bookmaker price", async () => {
    const event = await eventOnBoard(true);
    const socket = await watcher();
    const before = (await snapshot()).events.find((e) => e.id === event.id)?.markets.h2h?.outcomes.home?.best?.price ?? 0;
    const target = Math.round((before + 0.15) * 100) / 100;
    fake.control.move({ eventId: event.externalId, bookmaker: "pinnacle", market: "h2h", outcome: event.home, price: target });
    const delta = await socket.waitFor(
      "odds:delta",
      (d) => d.changes.some((c) => c.eventId === event.id && c.path.startsWith("markets.h2h.outcomes.home.best")),
      15_000,
    );
    expect(delta.changes.find((c) => c.eventId === event.id && c.path.startsWith("markets.h2h.outcomes.home.best"))).toBeDefined();
    const best = (await snapshot()).events.find((e) => e.id === event.id)?.markets.h2h?.outcomes.home?.best;
    expect(best).toEqual({ book: "pinnacle", price: target });
  });

  it("a malformed answer writes nothing; the next good one does", async () => {
    const event = await eventOnBoard(true);
    const stored = async () =>
      (
        await stack.db.bookPrice.findFirst({
          where: { bookmaker: "pinnacle", outcome: { key: "home", market: { key: "h2h", eventId: event.id } } },
          select: { price: true },
        })
      )?.price;
    // A small move, so the quality rules keep it: only the malformed answers may hold it back.
    const target = Math.round(((await stored()) ?? 2) * 100 + 7) / 100;
    const calls = fake.control.stats().byEndpoint.odds?.calls ?? 0;
    fake.control.fault({ mode: "malformed", count: 2 });
    fake.control.move({ eventId: event.externalId, bookmaker: "pinnacle", market: "h2h", outcome: event.home, price: target });
    await until(async () => (fake.control.stats().byEndpoint.odds?.calls ?? 0) >= calls + 2, 15_000, "two malformed odds answers served");
    expect(await stored()).not.toBe(target);
    await until(async () => ((await report())?.counts.malformed ?? 0) >= 1, 5_000, "malformed answers counted");
    await until(async () => (await stored()) === target, 15_000, "the price written from the next good answer");
  });

  // One rule for pages and bets, the poller's vouch: a failing source turns a sport stale (with the
  // source's trouble as the reason) once its last good poll no longer vouches for it (its
  // interval plus the 5 s grace); bets on it are refused and its in-play markets stop from then.
  // Recovery: the sport is vouched for again at the first good poll, and a stopped market reopens
  // only once a book has re-priced it since.
  it("a failing source: the sport's pages turn stale with the source's reason, admins hear the breaker, in-play markets stop; recovery and a re-priced book reopen them", async () => {
    onTestFinished(() => fake.control.fault({ mode: "none" })); // a failure here must not fail the source for the tests after it
    const event = await eventOnBoard(true);
    await openH2h(event);
    const socket = await watcher();
    const admin = await watcher((await signRelayToken({ sub: "admin-1", role: "admin" }, TEST_JWT_SECRET, Date.now())).token);
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${stack.web.url}/sports?sport=${SPORT}`);
    await page.locator('.live-status[data-connection="live"][data-feed="live"]').waitFor();
    fake.control.fault({ mode: "server_error" });
    const stale = await socket.waitFor(
      "feed:status",
      (s) => /^The Odds API poller's prices for this sport are overdue \(.*(server errors|circuit)/.test(s.sports?.[SPORT] ?? ""),
      30_000,
    );
    expect(stale.status).toBe("live"); // the publisher and the producer are up: only the sport is stale
    // The bettor is told, and keeps the last good prices.
    const indicator = page.locator('.live-status[data-sport-stale="true"]');
    await indicator.waitFor();
    expect(await indicator.textContent()).toMatch(/Prices of this sport may be out of date: The Odds API poller's prices for this sport are overdue/);
    expect(await page.locator(`.event[data-event-id="${event.id}"] [data-market="h2h"] .price`).count()).toBeGreaterThan(0);
    await browser.close();
    expect(await admin.waitFor("admin:event", (e) => e.kind === "source_breaker" && e.data.state === "open", 30_000)).toBeDefined();
    await socket.waitFor(
      "odds:delta",
      (d) => d.changes.some((c) => c.eventId === event.id && c.path === "markets.h2h.status" && c.value === "suspended"),
      30_000,
    );
    expect(
      (await stack.db.market.findFirstOrThrow({ where: { eventId: event.id, key: "h2h" }, select: { feedSuspendedAt: true } })).feedSuspendedAt,
    ).not.toBeNull();

    fake.control.fault({ mode: "none" });
    await socket.waitFor("feed:status", (s) => s.status === "live" && s.sports?.[SPORT] === undefined, 30_000);
    expect(await admin.waitFor("admin:event", (e) => e.kind === "source_breaker" && e.data.state === "closed", 30_000)).toBeDefined();
    // Good polls again, but of quotes from before the bet stop (the fake moves nothing by itself): still stopped.
    const polls = oddsPolls();
    await until(async () => oddsPolls() >= polls + 2, 30_000, "two good odds polls");
    expect(await h2hStatus(event.id)).toBe("SUSPENDED");
    await reprice(event);
    await socket.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === event.id && c.path === "markets.h2h.status" && c.value === "open"), 30_000);
  });

  it("a score change stops bets on that event at once; a book re-pricing it reopens it", async () => {
    const event = await eventOnBoard(true);
    await openH2h(event);
    const socket = await watcher();
    const score = await stack.db.event.findUniqueOrThrow({ where: { id: event.id }, select: { homeScore: true, awayScore: true } });
    fake.control.score({ eventId: event.externalId, home: (score.homeScore ?? 0) + 1, away: score.awayScore ?? 0 });
    await socket.waitFor(
      "odds:delta",
      (d) => d.changes.some((c) => c.eventId === event.id && c.path === "markets.h2h.status" && c.value === "suspended"),
      15_000,
    );
    expect((await stack.db.event.findUniqueOrThrow({ where: { id: event.id }, select: { homeScore: true } })).homeScore).toBe((score.homeScore ?? 0) + 1);
    // The books' pre-goal quotes, polled again, do not reopen it.
    const polls = oddsPolls();
    await until(async () => oddsPolls() >= polls + 2, 30_000, "two odds polls after the goal");
    expect(await h2hStatus(event.id)).toBe("SUSPENDED");
    await reprice(event);
    await socket.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === event.id && c.path === "markets.h2h.status" && c.value === "open"), 15_000);
  });

  it("a 429 with Retry-After: no call reaches the provider until the wait is over", async () => {
    fake.control.fault({ mode: "rate_limit", count: 1, retryAfterSec: 3 });
    await until(async () => ((await report())?.blockedUntil ?? 0) > Date.now(), 15_000, "a 429 wait in force");
    const blockedUntil = (await report())?.blockedUntil ?? 0;
    const calls = fake.control.stats().calls;
    let resumedAt = 0;
    await until(
      async () => {
        if (fake.control.stats().calls > calls) resumedAt = Date.now();
        return resumedAt > 0;
      },
      15_000,
      "calls resumed",
    );
    expect(resumedAt).toBeGreaterThanOrEqual(blockedUntil - 50); // 50 ms: the two clocks read apart
  });

  it("out of credits (401): polling stops, the reason is shown, nothing is retried", async () => {
    fake.control.fault({ mode: "out_of_credits" });
    await until(async () => (await report())?.state === "stopped", 20_000, "the source stopped");
    const stopped = (await report()) as SourceReport;
    expect(stopped.reason).toMatch(/OUT_OF_USAGE_CREDITS/);
    const calls = fake.control.stats().calls;
    // Three more poller steps (its report is rewritten each second) without a single call.
    await until(async () => ((await report())?.at ?? 0) > stopped.at + 3_000, 15_000, "three more poller steps");
    expect(fake.control.stats().calls).toBe(calls);
    // Its sports turn stale once their last poll's vouch runs out, with the reason.
    const socket = await watcher();
    expect(
      await socket.waitFor("feed:status", (s) => s.status === "live" && /overdue \(OUT_OF_USAGE_CREDITS/.test(s.sports?.[SPORT] ?? ""), 30_000),
    ).toBeDefined();
    expect(await redis.pttl(KEYS.sourceStatus)).toBeGreaterThan(0); // the report expires if the poller dies
  });
});

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Browser, BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { readTrust } from "../../lib/protocol";
import { carrySession, launchBrowser } from "../support/browser";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { TEST_ADMIN_TOKEN, startFeed } from "../support/stack";
import { WebUser } from "../support/web-user";

/**
 * The admin console and the odds feed's bet stop, with the real simulator as the producer: the
 * console learns of a bet stop and of the producer's reopening without a reload, refuses a reopen
 * the bet stop would undo, and an admin's Suspend takes a feed stop over so the producer, back,
 * reopens the event's other markets but not that one. The producer's silence limit is 2 s here.
 */
describe("admin console and the feed's bet stop", () => {
  const SPORT = "basketball_nba";
  const feedEnv = { SIMULATOR_ENABLED: "true", SIMULATOR_PRICE_UPDATES_PER_SEC: "20", SIMULATOR_BETS_PER_SEC: "0", FEED_LEADER_TTL_MS: "1500" };
  let stack: FullStack;
  let feed: Proc | null = null;
  let redis: Redis;
  let browser: Browser;
  let context: BrowserContext;
  let admin: WebUser;

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "betstop", { SIMULATOR_ENABLED: "true", PRODUCER_SILENCE_MS: "2000" });
    redis = new Redis(stack.redis.url);
    feed = await startFeed(stack.dbUrl, stack.redis.url, feedEnv);
    browser = await launchBrowser();
    context = await browser.newContext();
    admin = new WebUser(stack.web.url, `${randomUUID()}@admin.test`);
    await admin.signUp();
    await stack.db.user.update({ where: { email: admin.email }, data: { role: "ADMIN" } });
    await until(async () => (await readTrust(redis))?.producer.state === "up", 30_000, "the simulator vouched for");
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed ?? undefined, stack?.publisher, stack?.web], 60));
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await feed?.stop();
    redis?.disconnect();
    await stack?.stop();
  });

  const reopen = (marketId: string) =>
    fetch(`${stack.web.url}/api/admin/markets/${marketId}/status`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ status: "open" }),
    });
  const marketRow = (page: Page, marketId: string, state = "") => page.locator(`[data-testid="board-events"] li[data-market-id="${marketId}"]${state}`);

  it("Chromium: the console follows the bet stop, refuses a reopen it would undo, and an admin's Suspend keeps a market from the producer's reopening", async () => {
    // An in-play event whose markets are all open (once the simulator has lifted any bet stop made before it first beat).
    const inPlay = () =>
      stack.db.event.findFirst({
        where: { sport: SPORT, phase: "LIVE", status: "ACTIVE", markets: { every: { status: "OPEN" } } },
        select: { id: true, markets: { select: { id: true, key: true } } },
      });
    await until(async () => (await inPlay()) !== null, 30_000, "an in-play event with every market open");
    const event = await inPlay();
    if (!event) throw new Error("no in-play event");
    const marketOf = (key: string) => event.markets.find((m) => m.key === key)?.id ?? "";
    const [held, other] = [marketOf("spreads"), marketOf("totals")];
    await carrySession(context, admin, stack.web.url);
    const page = await context.newPage();
    await page.goto(`${stack.web.url}/admin`);
    await page.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    await marketRow(page, held, '[data-status="open"]').waitFor({ timeout: 15_000 });

    // The feed dies: the publisher's bet stop suspends the event's markets, and the open console shows it.
    await feed?.kill();
    feed = null;
    await marketRow(page, held, '[data-by-feed="true"]').waitFor({ timeout: 30_000 });
    await marketRow(page, other, '[data-by-feed="true"]').waitFor({ timeout: 15_000 });
    expect(await marketRow(page, held).getByText("Feed stop").count()).toBe(1);

    // Reopen is refused while nobody vouches for the sport: the console says why, nothing changes.
    await marketRow(page, held).getByRole("button", { name: "Reopen market" }).click();
    const answer = page.getByRole("region", { name: "Suspend or reopen" }).getByRole("status");
    await answer.filter({ hasText: "no odds producer vouches" }).waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain(`${SPORT}'s prices`);
    const refused = await reopen(held);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "prices_stale", reason: "producer_down" } });
    expect(await stack.db.market.findUniqueOrThrow({ where: { id: held }, select: { status: true } })).toEqual({ status: "SUSPENDED" });
    expect(await stack.db.auditEntry.count({ where: { targetId: held } })).toBe(0);

    // Suspend takes the feed stop over.
    await marketRow(page, held).getByRole("button", { name: "Suspend market" }).click();
    await marketRow(page, held, '[data-status="suspended"][data-by-feed="false"]').waitFor({ timeout: 15_000 });

    // The feed comes back and reopens the event's other market: the positive signal that its
    // recovery ran. The admin's stays suspended, and the console follows both without a reload.
    feed = await startFeed(stack.dbUrl, stack.redis.url, feedEnv);
    await until(
      async () => (await stack.db.market.findUniqueOrThrow({ where: { id: other }, select: { status: true } })).status === "OPEN",
      30_000,
      "the producer reopened the other market",
    );
    expect(await stack.db.market.findUniqueOrThrow({ where: { id: held }, select: { status: true, feedSuspendedAt: true } })).toEqual({
      status: "SUSPENDED",
      feedSuspendedAt: null,
    });
    await marketRow(page, other, '[data-status="open"][data-by-feed="false"]').waitFor({ timeout: 15_000 });
    expect(await marketRow(page, held).getAttribute("data-status")).toBe("suspended");
    expect((await stack.db.auditEntry.findMany({ where: { targetId: held }, select: { action: true, after: true } })).map((e) => [e.action, e.after])).toEqual([
      ["market.status", { status: "suspended", feedSuspendedAt: null }],
    ]);
  });
});

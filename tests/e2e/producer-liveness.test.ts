import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { ESPORTS_SPORT_KEY } from "../../lib/protocol";
import { beatAsPoller } from "../support/feeds";
import { AdminOverview, PublisherStatusBody } from "../../lib/protocol/admin-overview";
import { carrySession, launchBrowser } from "../support/browser";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { logsOnFailure } from "../support/processes";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

const FRESH = "basketball_nba";
const OVERDUE = ESPORTS_SPORT_KEY;
const OVERDUE_REASON = "The Odds API poller's prices for this sport are overdue";

/**
 * Producer liveness as a bettor and an admin see it, over `next start` and in Chromium. The test
 * plays The Odds API poller through its heartbeats (the contract every producer writes), so it
 * decides which sport is vouched for and when the producer goes quiet.
 */
describe("producer liveness on the pages, the status route and the console", () => {
  let stack: FullStack;
  let redis: Redis;
  let browser: Browser;
  let timer: NodeJS.Timeout | undefined;
  let vouch: Record<string, number> = {};
  const route = () => `${stack.web.url}/api/sports/ws-publisher`;
  const status = async () => PublisherStatusBody.parse(await (await fetch(route())).json());

  function beat(): Promise<void> {
    return beatAsPoller(redis, vouch);
  }

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "liveness", { ODDS_SOURCE: "the-odds-api" });
    redis = new Redis(stack.redis.url);
    const later = Date.now() + 3_600_000;
    vouch = Object.fromEntries((await stack.db.sport.findMany({ select: { key: true } })).map((s) => [s.key, s.key === OVERDUE ? Date.now() - 1 : later]));
    await beat();
    timer = setInterval(() => void beat().catch(() => {}), 300);
    browser = await launchBrowser();
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [stack?.publisher, stack?.relay, stack?.web], 40));
  afterAll(async () => {
    if (timer) clearInterval(timer);
    await browser?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  async function badge(page: Page): Promise<string> {
    return page.locator(".live-status").innerText();
  }

  it("a sport nobody vouches for is Stale with why on its board and event pages; a vouched sport stays Live; the route says so apart from health", async () => {
    await until(async () => (await status()).producer.state === "up", 20_000, "the producer up");
    const answer = await status();
    expect(answer.health).toEqual({ status: "ok" });
    expect(answer.producer).toMatchObject({
      expected: "the-odds-api",
      state: "up",
      reason: null,
      judgedBy: expect.any(String),
      staleSports: { [OVERDUE]: OVERDUE_REASON },
    });
    expect(answer.producer.instances).toEqual([expect.objectContaining({ producer: "the-odds-api", instanceId: "test-poller", role: "active", state: "ok" })]);

    const page = await browser.newPage();
    try {
      await page.goto(`${stack.web.url}/sports?sport=${OVERDUE}`);
      await page.locator('.live-status[data-connection="live"][data-feed="live"][data-sport-stale="true"]').waitFor({ timeout: 20_000 });
      expect(await badge(page)).toContain(`Stale`);
      expect(await badge(page)).toContain(`Prices of this sport may be out of date: ${OVERDUE_REASON}.`);
      // The same page, another sport: live.
      await page.goto(`${stack.web.url}/sports?sport=${FRESH}`);
      // Live and not marked stale, waited for as one state of the badge rather than the mark read once after.
      await page.locator('.live-status[data-connection="live"][data-feed="live"]:not([data-sport-stale])').waitFor({ timeout: 20_000 });
      expect(await badge(page)).toContain("Live");
      // An event page of the stale sport.
      const event = await stack.db.event.findFirstOrThrow({ where: { sport: null, isEsports: true, status: "ACTIVE" }, select: { id: true } });
      await page.goto(`${stack.web.url}/sports/${OVERDUE}/${event.id}`);
      await page.locator('.live-status[data-connection="live"][data-sport-stale="true"]').waitFor({ timeout: 20_000 });
      expect(await badge(page)).toContain(OVERDUE_REASON);
    } finally {
      await page.close();
    }
  });

  it("the poller goes quiet: the page turns Stale with the producer's reason, the route reports it down while health stays ok, and the console shows it", async () => {
    const page = await browser.newPage();
    const admin = new WebUser(stack.web.url, `${randomUUID()}@liveness.test`);
    await admin.signUp();
    await stack.db.user.update({ where: { email: admin.email }, data: { role: "ADMIN" } });
    const context = await browser.newContext();
    await carrySession(context, admin, stack.web.url);
    const consolePage = await context.newPage();
    try {
      await page.goto(`${stack.web.url}/sports?sport=${FRESH}`);
      await page.locator('.live-status[data-connection="live"][data-feed="live"]').waitFor({ timeout: 20_000 });
      await consolePage.goto(`${stack.web.url}/admin`);
      await consolePage.locator('[data-testid="producer"][data-producer-state="up"]').waitFor({ timeout: 20_000 });

      if (timer) clearInterval(timer);
      timer = undefined;
      await page.locator('.live-status[data-feed="stale"]').waitFor({ timeout: 30_000 });
      expect(await badge(page)).toContain("Prices may be out of date: the odds producer is down: no heartbeat from The Odds API poller for over 5 s.");

      const answer = await fetch(route());
      expect(answer.status).toBe(200);
      const body = PublisherStatusBody.parse(await answer.json());
      expect(body.health).toEqual({ status: "ok" });
      expect(body.producer).toMatchObject({ state: "down", reason: "no heartbeat from The Odds API poller for over 5 s", since: expect.any(String) });
      expect(Object.keys(body.producer.staleSports)).toContain(FRESH);

      const overview = AdminOverview.parse(
        await (await fetch(`${stack.web.url}/api/admin/overview`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json(),
      );
      expect(overview.publisher.ok && overview.publisher.status.producer.state).toBe("down");
      await consolePage.locator('[data-testid="producer"][data-producer-state="down"]').waitFor({ timeout: 20_000 });
      expect(await consolePage.locator('[data-testid="producer"]').innerText()).toContain("no heartbeat from The Odds API poller");
    } finally {
      await page.close();
      await context.close();
    }
  });
});

import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_MARGIN_METHOD } from "../../lib/odds";
import { eventOddsSelect, toEventOdds } from "../../lib/publisher/pricing";
import { freePort } from "../../scripts/services/ports";
import { launchBrowser } from "../support/browser";
import { type FullStack, startFullStack } from "../support/full-stack";
import { publisherEnv } from "../support/stack";
import { startWeb } from "../support/web";

/** /sports in real Chromium against the whole stack. */
describe("/sports in the browser", () => {
  let stack: FullStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "page");
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${stack.web.url}${path}`);
    return page;
  };

  /** The h2h home price we expect to show for an event, computed from the database as the publisher does. */
  const expectedHomePrice = async (eventId: string) => {
    const row = await stack.db.event.findUniqueOrThrow({ where: { id: eventId }, select: eventOddsSelect });
    return toEventOdds(row, { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD }).markets.h2h?.outcomes.home?.price;
  };

  it("is server-rendered with prices, before any socket connects", async () => {
    const html = await (await fetch(`${stack.web.url}/sports?sport=basketball_nba`)).text();
    expect(html.match(/data-event-id=/g)?.length).toBe(12);
    expect(html).toMatch(/data-price="\d+(\.\d+)?"/);
  });

  it("shows the board and goes live", async () => {
    const page = await open("/sports?sport=basketball_nba");
    await page.locator('.live-status[data-connection="live"][data-feed="live"]').waitFor();
    expect(await page.locator(".event").count()).toBe(12);
    expect(await page.locator('[data-market="h2h"] .price').count()).toBe(24);
    await page.close();
  });

  it("moves a price committed in the database into two open pages, without reload, touching only that row", async () => {
    const pages = await Promise.all([open("/sports?sport=basketball_nba"), open("/sports?sport=basketball_nba")]);
    for (const page of pages) {
      await page.locator('.live-status[data-connection="live"]').waitFor();
      // Mark the document (a reload would lose it) and record every DOM mutation from now on.
      await page.evaluate(() => {
        const w = window as unknown as { __marker: number; __mutated: Element[] };
        w.__marker = 42;
        w.__mutated = [];
        new MutationObserver((records) => {
          for (const r of records) w.__mutated.push(r.target instanceof Element ? r.target : (r.target.parentElement as Element));
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    }
    const target = await stack.db.event.findFirstOrThrow({ where: { sport: "basketball_nba", phase: "PREMATCH" }, select: { id: true } });
    const before = await expectedHomePrice(target.id);
    await stack.db.$executeRaw`
      UPDATE "BookPrice" bp SET price = bp.price * 1.5, "lastUpdate" = now()
      FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
      WHERE bp."outcomeId" = o.id AND m."eventId" = ${target.id}::uuid AND m.key = 'h2h' AND o.key = 'home'`;
    const after = await expectedHomePrice(target.id);
    expect(after).toBeGreaterThan(before ?? Infinity);

    for (const page of pages) {
      const cell = page.locator(`[data-event-id="${target.id}"] [data-market="h2h"] [data-outcome="home"] .price`);
      await page.locator(`[data-event-id="${target.id}"] [data-market="h2h"] [data-outcome="home"] .price[data-price="${after}"]`).waitFor({ timeout: 10_000 });
      expect(await cell.locator("span").getAttribute("class")).toBe("flash-up");
      const report = await page.evaluate((id) => {
        const w = window as unknown as { __marker: number; __mutated: Element[] };
        const row = document.querySelector(`[data-event-id="${id}"]`);
        const outside = w.__mutated.filter((el) => !row?.contains(el) && !el.closest(".live-status"));
        return { marker: w.__marker, outside: outside.map((el) => el.outerHTML.slice(0, 120)) };
      }, target.id);
      expect(report.marker).toBe(42); // same document: no reload
      expect(report.outside).toEqual([]); // nothing outside the changed row was re-rendered into the DOM
    }
    await Promise.all(pages.map((page) => page.close()));
  });

  it("switches sports in place and shows the sport's events", async () => {
    const page = await open("/sports?sport=basketball_nba");
    await page.locator('.live-status[data-connection="live"]').waitFor();
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 7));
    await page.locator('.tab[data-sport="icehockey_nhl"]').click();
    // Wait for the twelfth event of the new sport, not just the first, before counting them.
    await page.locator('.events[data-sport="icehockey_nhl"] .event').nth(11).waitFor();
    expect(await page.locator(".event").count()).toBe(12);
    expect(page.url()).toContain("sport=icehockey_nhl");
    expect(await page.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(7);
    await page.close();
  });

  it("keeps every sport tab's count and live dot following the board, also for sports the page does not hold", async () => {
    const page = await open("/sports?sport=basketball_nba");
    await page.locator('.live-status[data-connection="live"]').waitFor();
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 9));
    const tab = page.locator('.tab[data-sport="americanfootball_nfl"]');
    // The tabs of sports the page does not hold follow the relay's board: wait for their state, not read it once.
    await tab.locator(".count", { hasText: /^12$/ }).waitFor();
    await tab.locator(".live-dot").waitFor();
    expect(await tab.locator(".live-dot").count()).toBe(1);
    const nfl = await stack.db.event.findMany({ where: { sport: "americanfootball_nfl" }, select: { id: true, phase: true }, orderBy: { startsAt: "asc" } });
    const live = nfl.filter((e) => e.phase === "LIVE").map((e) => e.id);
    const ending = nfl.find((e) => e.phase === "PREMATCH")?.id ?? "";
    expect(live).toHaveLength(2);
    try {
      await stack.db.event.updateMany({ where: { id: { in: live } }, data: { phase: "PREMATCH" } });
      await stack.db.event.update({ where: { id: ending }, data: { status: "ENDED" } });
      await tab.locator(".count", { hasText: /^11$/ }).waitFor();
      await tab.locator(".live-dot").waitFor({ state: "detached" });
      await stack.db.event.update({ where: { id: live[0] }, data: { phase: "LIVE" } });
      await tab.locator('.live-dot[title="1 in play"]').waitFor();
      expect(await page.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(9); // no reload
    } finally {
      await stack.db.event.updateMany({ where: { id: { in: live } }, data: { phase: "LIVE" } });
      await stack.db.event.update({ where: { id: ending }, data: { status: "ACTIVE" } });
    }
    await tab.locator('.live-dot[title="2 in play"]').waitFor();
    await page.close();
  });

  it("remembers the bettor's odds format", async () => {
    const page = await open("/sports?sport=soccer_epl");
    // Choose only once the page is hydrated (it says live): a choice made on the server-rendered
    // select before React takes it over is reset to the stored format.
    await page.locator('.live-status[data-connection="live"]').waitFor();
    await page.selectOption('select[aria-label="Odds format"]', "american");
    // The price re-renders after the choice: wait for the American form rather than read it once.
    const american = () =>
      page
        .locator('[data-market="h2h"] .price')
        .first()
        .filter({ hasText: /^[+-]\d+$/ });
    await american().waitFor();
    await page.reload();
    await page.locator('.live-status[data-connection="live"]').waitFor();
    // The stored format reaches the select after hydration: wait for the American option to be the chosen one.
    await page.locator('select[aria-label="Odds format"] option[value="american"]:checked').waitFor({ state: "attached" });
    await american().waitFor();
    await page.close();
  });

  it("still shows prices, and says so, when it cannot reach the relay", async () => {
    const deadRelay = `http://127.0.0.1:${await freePort()}`;
    const web = await startWeb({ ...publisherEnv(stack.dbUrl, stack.redis.url), RELAY_PUBLIC_URL: deadRelay });
    try {
      const page = await browser.newPage();
      await page.goto(`${web.url}/sports?sport=soccer_epl`);
      expect(await page.locator(".event").count()).toBe(12);
      await page.locator('.live-status[data-connection="offline"]').waitFor({ timeout: 20_000 });
      expect(await page.locator(".live-status").innerText()).toContain("Cannot reach the live server");
      await page.close();
    } finally {
      await web.stop();
    }
  });

  it("marks arbitrage and value when bookmakers disagree enough", async () => {
    const page = await open("/sports?sport=icehockey_nhl");
    await page.locator('.live-status[data-connection="live"]').waitFor();
    const target = await stack.db.event.findFirstOrThrow({ where: { sport: "icehockey_nhl", phase: "PREMATCH" }, select: { id: true } });
    const row = page.locator(`[data-event-id="${target.id}"] [data-market="h2h"]`);
    await row.locator(".price").first().waitFor(); // the row is shown, so its missing badge means no arbitrage
    expect(await row.locator(".badge.arb").count()).toBe(0);
    // pinnacle now offers 2.40 on home and fanduel 2.40 on away: 1/2.4 + 1/2.4 = 0.83 < 1.
    await stack.db.$executeRaw`
      UPDATE "BookPrice" bp SET price = 2.4
      FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
      WHERE bp."outcomeId" = o.id AND m."eventId" = ${target.id}::uuid AND m.key = 'h2h'
        AND ((o.key = 'home' AND bp.bookmaker = 'pinnacle') OR (o.key = 'away' AND bp.bookmaker = 'fanduel'))`;
    await row.locator(".badge.arb").waitFor();
    // An arbitrage means Σ 1/best < 1 = Σ fair, so at least one best price beats the consensus.
    const priced = toEventOdds(await stack.db.event.findUniqueOrThrow({ where: { id: target.id }, select: eventOddsSelect }), {
      margin: 0.05,
      liquidity: 5_000,
      method: DEFAULT_MARGIN_METHOD,
    });
    const valueOutcomes = Object.values(priced.markets.h2h?.outcomes ?? {}).filter((o) => (o.edge ?? 0) > 0).length;
    expect(valueOutcomes).toBeGreaterThanOrEqual(1);
    await row
      .locator(".outcome.value")
      .nth(valueOutcomes - 1)
      .waitFor();
    expect(await row.locator(".outcome.value").count()).toBe(valueOutcomes);
    const best = priced.markets.h2h?.outcomes.home?.best;
    expect(best?.price).toBeGreaterThanOrEqual(2.4);
    await row.locator(`[data-outcome="home"][title*="Best bookmaker price ${best?.price.toFixed(2)} at ${best?.book}"]`).waitFor();
    await page.close();
  });

  it("tells the bettor about an unknown sport instead of failing", async () => {
    const page = await open("/sports?sport=curling_mars");
    expect(await page.locator(".notice").innerText()).toContain("There is no sport “curling_mars”");
    expect(await page.locator(".event").count()).toBeGreaterThan(0);
    await page.close();
  });
});

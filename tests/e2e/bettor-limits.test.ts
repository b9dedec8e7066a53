import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OddsSnapshot } from "../../lib/protocol";
import { carrySession, launchBrowser } from "../support/browser";
import { type FullStack, startFullStack } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

/**
 * The limits bettors set for themselves (docs/limits.md), over HTTP and in Chromium against the
 * whole stack: the route's answers, bets refused with their codes, the limits panel, the slip's
 * words, and the reality check.
 */
describe("bettor limits", () => {
  let stack: FullStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "bettorlimits", { DEMO_BALANCE: "1000" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function pick(skip = 0) {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.phase === "prematch" && e.status === "active")[skip];
    const price = event?.markets.h2h?.outcomes.home?.price;
    if (!event || !price) throw new Error("no such selection on the board");
    return { eventId: event.id, market: "h2h", outcome: "home", price };
  }

  async function signedUp(): Promise<WebUser & { id: string }> {
    const user = new WebUser(stack.web.url);
    const account = await (await user.signUp()).json();
    return Object.assign(user, { id: account.id as string });
  }

  const bet = (user: WebUser, selection: Awaited<ReturnType<typeof pick>>, stake: number) =>
    user.post("/api/bets", { ...selection, stake, accept: "any" }, { "idempotency-key": randomUUID() });

  it("over HTTP: limits are read and set, bets past them refused with their codes, every change audited, bad input named", async () => {
    const user = await signedUp();
    const selection = await pick(0);
    expect((await new WebUser(stack.web.url).get("/api/account/limits")).status).toBe(401);
    expect(await (await user.get("/api/account/limits")).json()).toMatchObject({
      stake: { day: { amount: null, pending: null, staked: 0 }, week: { amount: null }, month: { amount: null } },
      block: null,
      realityCheckMinutes: null,
      session: { staked: 0, returned: 0 },
    });
    const set = await user.post("/api/account/limits", { kind: "stake", period: "day", amount: 25 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ stake: { day: { amount: 25, pending: null } } });
    expect((await bet(user, selection, 20)).status).toBe(201);
    const over = await bet(user, selection, 10);
    expect(over.status).toBe(422);
    expect(await over.json()).toMatchObject({ error: { code: "stake_limit", period: "day", limit: 25, left: 5 } });
    // A raise waits a day.
    const raised = await (await user.post("/api/account/limits", { kind: "stake", period: "day", amount: 100 })).json();
    expect(raised.stake.day).toMatchObject({ amount: 25, pending: { amount: 100 }, staked: 20 });
    expect((await bet(user, selection, 10)).status).toBe(422);
    // Bad input, named.
    for (const [body, field] of [
      [{ kind: "stake", period: "year", amount: 5 }, "period"],
      [{ kind: "stake", period: "day", amount: -5 }, "amount"],
      [{ kind: "time_out", days: 43 }, "days"],
      [{ kind: "self_exclusion", months: 3 }, "months"],
      [{ kind: "nap" }, "kind"],
    ] as const) {
      const refused = await user.post("/api/account/limits", body);
      expect(refused.status).toBe(422);
      expect((await refused.json()).error.fields).toHaveProperty(field);
    }
    // A time-out refuses every bet; the bettor's changes are in the admins' audit log.
    const timedOut = await (await user.post("/api/account/limits", { kind: "time_out", days: 1 })).json();
    expect(timedOut.block).toMatchObject({ kind: "time_out" });
    const refused = await bet(user, await pick(1), 5);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "timed_out", until: timedOut.block.until } });
    const log = await (
      await fetch(`${stack.web.url}/api/admin/audit?targetType=user&targetId=${user.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
    ).json();
    expect(log.entries.map((entry: { action: string }) => entry.action)).toEqual(["limits.time_out", "limits.stake", "limits.stake"]);
    expect(log.entries.every((entry: { actor: string }) => entry.actor === user.email)).toBe(true);
  });

  it("Chromium: the bettor sets a daily limit and takes a time-out in the limits panel; the slip says why each bet is refused; a reload keeps it all", async () => {
    const context = await browser.newContext();
    const bettor = await signedUp();
    await carrySession(context, bettor, stack.web.url);
    try {
      const page = await open(context);
      await page.locator(`.account-bar[data-signed-in="${bettor.email}"]`).waitFor();
      await page.locator(".account-bar button", { hasText: "Limits" }).click();
      const panel = page.locator(".limits");
      await panel.locator('.limit-row[data-period="day"] input').fill("15");
      await panel.locator('.limit-row[data-period="day"] button[type=submit]').click();
      await panel.locator('.limit-row[data-period="day"][data-limit="15"]').waitFor();
      await panel.locator(".link", { hasText: "Close" }).click();

      await placeFromSlip(page, "10");
      await page.locator(".bet-slip .slip-answer.placed").waitFor();
      await page.locator(".bet-slip .link", { hasText: "Close" }).click();
      await placeFromSlip(page, "10");
      await page.locator(".bet-slip .slip-answer.refused").waitFor();
      expect(await page.locator(".bet-slip .slip-answer.refused").textContent()).toMatch(/daily stake limit of .*15\.00 \(.*5\.00 left for now\)/);
      await page.locator(".bet-slip .link", { hasText: "Close" }).click();

      // The time-out asks to be sure first.
      page.once("dialog", (dialog) => void dialog.accept());
      await page.locator(".account-bar button", { hasText: "Limits" }).click();
      await panel.locator("section", { hasText: "Take a time-out" }).locator("button.danger").click();
      await panel.locator('[data-block="time_out"]').waitFor();
      await page.locator(".account-bar button[data-blocked-until]").waitFor();
      await panel.locator(".link", { hasText: "Close" }).click();
      await placeFromSlip(page, "1");
      await page.locator(".bet-slip .slip-answer.refused").waitFor();
      expect(await page.locator(".bet-slip .slip-answer.refused").textContent()).toMatch(
        /^You are taking a time-out from betting until .*\. Your bets and balance stay as they are\.$/,
      );

      await page.reload();
      await page.locator(".account-bar button[data-blocked-until]").waitFor();
      expect(await page.locator(".account-bar button[data-blocked-until]").textContent()).toMatch(/^No bets until /);
      const bets = await stack.db.bet.findMany({ where: { userId: bettor.id }, select: { stake: true } });
      expect(bets.map((b) => Number(b.stake))).toEqual([10]);
    } finally {
      await context.close();
    }
  });

  it("Chromium: the reality check comes when the chosen time has passed, with the session's time and money; answered in one tab, it closes in the others", async () => {
    const context = await browser.newContext();
    const bettor = await signedUp();
    expect((await bet(bettor, await pick(2), 30)).status).toBe(201);
    expect((await bettor.post("/api/account/limits", { kind: "reality_check", minutes: 15 })).status).toBe(200);
    // The session began 16 minutes ago, as if the bettor had been here that long.
    await stack.db.session.updateMany({ where: { userId: bettor.id }, data: { createdAt: new Date(Date.now() - 16 * 60_000) } });
    await stack.db.bet.updateMany({ where: { userId: bettor.id }, data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    await carrySession(context, bettor, stack.web.url);
    try {
      const [page, other] = [await open(context), await open(context)];
      const check = page.locator(".reality-check");
      await check.waitFor();
      await other.locator(".reality-check").waitFor();
      expect(await check.textContent()).toMatch(/signed in for 16 minutes\. In that time you staked .*30\.00 and got back .*0\.00/);
      await check.locator("button", { hasText: "Keep going" }).click();
      expect(await check.count()).toBe(0);
      // Answered in one tab, it closes in the other too.
      await other.locator(".reality-check").waitFor({ state: "detached" });
    } finally {
      await context.close();
    }
  });

  async function placeFromSlip(page: Page, stake: string): Promise<void> {
    await page.locator('.event[data-phase="prematch"]:not(.suspended) [data-market="h2h"] .outcome').first().click();
    await page.locator(".bet-slip").waitFor();
    await page.fill("input[name=stake]", stake);
    await page.locator(".bet-slip .place").click();
  }

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${stack.web.url}/sports?sport=basketball_nba`);
    await page.locator('.live-status[data-connection="live"]').waitFor();
    return page;
  }
});

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Browser, BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { revokeRelayTokens } from "../../lib/accounts/revocation";
import type { OddsSnapshot } from "../../lib/protocol";
import { AuditPage } from "../../lib/protocol/audit";
import { carrySession, launchBrowser } from "../support/browser";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

/**
 * The audit log over HTTP and in the console, and manual suspend/reopen from the console reaching
 * a bettor's page, against the whole stack in Chromium.
 */
describe("admin audit log and board controls", () => {
  let stack: FullStack;
  let browser: Browser;
  let admin: WebUser;
  let adminId: string;
  let bettor: WebUser;
  /** A socket with an admin relay token: every admin event, in order. */
  let admins: TestClient;
  let redis: Redis;
  const contexts: BrowserContext[] = [];
  const bearer = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const asToken = (path: string, body: unknown) => fetch(`${stack.web.url}${path}`, { method: "POST", headers: bearer, body: JSON.stringify(body) });
  const auditOf = async (query: string) => {
    const answer = await fetch(`${stack.web.url}/api/admin/audit?${query}`, { headers: bearer });
    expect(answer.status).toBe(200);
    return AuditPage.parse(await answer.json());
  };

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "audit");
    browser = await launchBrowser();
    admin = new WebUser(stack.web.url, `${randomUUID()}@admin.test`);
    await admin.signUp();
    adminId = (await stack.db.user.update({ where: { email: admin.email }, data: { role: "ADMIN" }, select: { id: true } })).id;
    bettor = new WebUser(stack.web.url);
    await bettor.signUp();
    const token = await fetch(`${stack.web.url}/api/auth/relay-token`, {
      method: "POST",
      headers: bearer,
      body: JSON.stringify({ sub: "watching-admin", role: "admin" }),
    });
    admins = await connectClient(stack.relay.url, { token: ((await token.json()) as { token: string }).token });
    redis = new Redis(stack.redis.url);
    await until(async () => (await pick()) !== null, 20_000, "an open market on the board");
  });
  afterAll(async () => {
    admins?.close();
    redis?.disconnect();
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  async function pageOf(user: WebUser, path: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    await carrySession(context, user, stack.web.url);
    const page = await context.newPage();
    await page.goto(`${stack.web.url}${path}`);
    return page;
  }

  /** The `skip`-th prematch NBA event whose h2h market is open on the board now, with its market ids. */
  async function pick(skip = 0) {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.phase === "prematch" && e.status === "active" && e.markets.h2h?.status === "open")[skip];
    if (!event) return null;
    const markets = await stack.db.market.findMany({ where: { eventId: event.id }, select: { id: true, key: true } });
    return { eventId: event.id, title: event.title, market: (key: string) => markets.find((m) => m.key === key)?.id ?? "" };
  }
  async function picked(skip: number) {
    const found = await pick(skip);
    if (!found) throw new Error("no open market on the board");
    return found;
  }

  it("GET /api/admin/audit: admins only; 422 naming the parameter it cannot read", async () => {
    expect((await fetch(`${stack.web.url}/api/admin/audit`)).status).toBe(401);
    expect((await bettor.get("/api/admin/audit")).status).toBe(403);
    expect((await admin.get("/api/admin/audit")).status).toBe(200);
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["before=-3", "before"],
      ["action=market.delete", "action"],
      ["targetType=sport", "targetType"],
      ["targetId=abc", "targetId"],
      ["page=2", "page"],
      ["limit=5&limit=6", "limit"],
    ] as const) {
      const answer = await fetch(`${stack.web.url}/api/admin/audit?${query}`, { headers: bearer });
      expect(answer.status, query).toBe(422);
      expect(((await answer.json()) as { error: { code: string; fields: Record<string, string> } }).error, query).toMatchObject({
        code: "invalid_input",
        fields: { [field]: expect.any(String) },
      });
    }
  });

  it("the event status route: a change is audited and told to the admins with the entry's id; a repeat, an unknown event or a bad body is not", async () => {
    const { eventId } = await picked(4);
    const suspend = await asToken(`/api/admin/events/${eventId}/status`, { status: "suspended" });
    expect(await suspend.json()).toEqual({ id: eventId, status: "suspended", changed: true, auditId: expect.stringMatching(/^\d+$/) });
    expect(await (await asToken(`/api/admin/events/${eventId}/status`, { status: "suspended" })).json()).toEqual({
      id: eventId,
      status: "suspended",
      changed: false,
    });
    expect((await asToken(`/api/admin/events/${randomUUID()}/status`, { status: "suspended" })).status).toBe(404);
    expect((await asToken(`/api/admin/events/${eventId}/status`, { status: "closed" })).status).toBe(422);
    expect((await bettor.post(`/api/admin/events/${eventId}/status`, { status: "open" })).status).toBe(403);
    const reopen = await asToken(`/api/admin/events/${eventId}/status`, { status: "open" });
    const reopened = (await reopen.json()) as { changed: boolean; auditId: string };
    expect(reopened.changed).toBe(true);
    const told = await admins.waitFor("admin:event", (e) => e.kind === "event_status" && e.data.id === eventId && e.data.status === "open");
    const entries = (await auditOf(`targetType=event&targetId=${eventId}`)).entries;
    expect(entries.map((e) => [e.action, e.actor, e.actorId, e.before, e.after])).toEqual([
      ["event.status", "admin token", null, { status: "suspended" }, { status: "open" }],
      ["event.status", "admin token", null, { status: "open" }, { status: "suspended" }],
    ]);
    expect(told.auditId).toBe(entries[0]?.id);
    expect(reopened.auditId).toBe(entries[0]?.id);
    expect(admins.of("admin:event").filter((e) => e.kind === "event_status" && e.data.id === eventId)).toHaveLength(2);
  });

  it("Chromium: an admin suspends a market from the console; the bettor's page shows it suspended, the console's log and feed show the entry, and after a reload the feed starts with it", async () => {
    const target = await picked(0);
    const marketId = target.market("h2h");
    const board = await pageOf(bettor, "/sports?sport=basketball_nba");
    const bettorMarket = board.locator(`[data-event-id="${target.eventId}"] [data-market="h2h"]`);
    await board.locator(`[data-event-id="${target.eventId}"] [data-market="h2h"]:not(.unavailable)`).waitFor({ timeout: 20_000 });

    const adminPage = await pageOf(admin, "/admin");
    await adminPage.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    const row = adminPage.locator(`[data-testid="board-events"] li[data-market-id="${marketId}"]`);
    await adminPage.locator(`[data-testid="board-events"] li[data-market-id="${marketId}"][data-status="open"]`).waitFor();
    await row.getByRole("button", { name: "Suspend market" }).click();
    await adminPage
      .getByRole("region", { name: "Suspend or reopen" })
      .getByRole("status")
      .filter({ hasText: `h2h of ${target.title}: suspended.` })
      .waitFor({ timeout: 15_000 });
    await adminPage.locator(`[data-testid="board-events"] li[data-market-id="${marketId}"][data-status="suspended"]`).waitFor();

    // The bettor's page: the market is no longer offered.
    await board.locator(`[data-event-id="${target.eventId}"] [data-market="h2h"].unavailable`).waitFor({ timeout: 15_000 });
    expect(await bettorMarket.getAttribute("class")).toContain("unavailable");
    expect(await stack.db.market.findUniqueOrThrow({ where: { id: marketId }, select: { status: true, feedSuspendedAt: true } })).toEqual({
      status: "SUSPENDED",
      feedSuspendedAt: null,
    });

    // One entry, naming the admin account.
    const [entry, ...others] = (await auditOf(`targetType=market&targetId=${marketId}`)).entries;
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      action: "market.status",
      actor: admin.email,
      actorId: adminId,
      before: { status: "open", feedSuspendedAt: null },
      after: { status: "suspended", feedSuspendedAt: null },
    });
    const id = entry?.id ?? "";
    // The console's log and its feed (pushed live to this page) show it, once each.
    await adminPage.locator(`[data-testid="audit-entry"][data-audit-id="${id}"][data-action="market.status"]`).waitFor({ timeout: 15_000 });
    const fed = adminPage.locator(`[data-testid="admin-event"][data-audit-id="${id}"]`);
    await adminPage.locator(`[data-testid="admin-event"][data-audit-id="${id}"][data-source="live"]`).waitFor({ timeout: 15_000 });
    // The feed reads the log again after the commit: its relay tokens revoked, the page takes a new
    // one and joins the admins' room again, which reads the history. The entry, already shown live,
    // is matched to its history line: still one line, still live.
    const feed = adminPage.locator('[data-testid="admin-feed"]');
    const reads = Number(await feed.getAttribute("data-history-reads"));
    await revokeRelayTokens(redis, adminId);
    await adminPage.locator(`[data-testid="admin-feed"][data-history="loaded"][data-history-reads="${reads + 1}"]`).waitFor({ timeout: 20_000 });
    await adminPage.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    expect(await fed.count()).toBe(1);
    expect(await fed.getAttribute("data-source")).toBe("live");
    expect(await fed.textContent()).toContain(`Market ${marketId} suspended by ${admin.email}`);
    expect(await adminPage.locator(`[data-testid="audit-entry"][data-audit-id="${id}"]`).count()).toBe(1);

    // After a reload the feed starts from the log: the entry is there, read from the history.
    await adminPage.reload();
    await adminPage.locator('[data-testid="admin-feed"][data-history="loaded"]').waitFor({ timeout: 15_000 });
    const fromHistory = adminPage.locator(`[data-testid="admin-event"][data-audit-id="${id}"]`);
    expect(await fromHistory.count()).toBe(1);
    expect(await fromHistory.getAttribute("data-source")).toBe("history");
    expect(await fromHistory.textContent()).toContain(`Market ${marketId} suspended by ${admin.email}`);
    // The list read the status from Postgres: suspended, with Reopen, which brings the market back on the bettor's page.
    const reloaded = adminPage.locator(`[data-testid="board-events"] li[data-market-id="${marketId}"][data-status="suspended"]`);
    await reloaded.getByRole("button", { name: "Reopen market" }).click();
    await board.locator(`[data-event-id="${target.eventId}"] [data-market="h2h"]:not(.unavailable)`).waitFor({ timeout: 15_000 });
  });

  it("Chromium: an admin suspends and reopens an event from the console; the bettor's page follows", async () => {
    const target = await picked(1);
    const board = await pageOf(bettor, "/sports?sport=basketball_nba");
    await board.locator(`[data-event-id="${target.eventId}"][data-status="active"]`).waitFor({ timeout: 20_000 });
    const adminPage = await pageOf(admin, "/admin");
    const row = adminPage.locator(`[data-testid="board-events"] > li[data-event-id="${target.eventId}"]`);
    await row.locator(".board-row").getByRole("button", { name: "Suspend event" }).click();
    await adminPage.locator(`[data-testid="board-events"] > li[data-event-id="${target.eventId}"][data-status="suspended"]`).waitFor({ timeout: 15_000 });
    await board.locator(`[data-event-id="${target.eventId}"][data-status="suspended"]`).waitFor({ timeout: 15_000 });
    await row.locator(".board-row").getByRole("button", { name: "Reopen event" }).click();
    await board.locator(`[data-event-id="${target.eventId}"][data-status="active"]`).waitFor({ timeout: 15_000 });
    expect((await auditOf(`action=event.status&targetType=event&targetId=${target.eventId}`)).entries.map((e) => [e.actor, e.after])).toEqual([
      [admin.email, { status: "open" }],
      [admin.email, { status: "suspended" }],
    ]);
  });

  it("Chromium: the console's audit log filters by action and pages with Older, newest first, each entry once", async () => {
    const { market } = await picked(2);
    const marketId = market("totals");
    for (let i = 0; i < 30; i += 1) {
      const answer = await asToken(`/api/admin/markets/${marketId}/status`, { status: i % 2 === 0 ? "suspended" : "open" });
      expect(await answer.json()).toMatchObject({ changed: true });
    }
    const expected = (await auditOf("action=market.status&limit=200")).entries.map((e) => e.id);
    expect(expected.length).toBeGreaterThan(25);

    const adminPage = await pageOf(admin, "/admin");
    const panel = adminPage.getByRole("region", { name: "Audit log" });
    await panel.locator("select[name=audit-action]").selectOption("market.status");
    const rows = panel.locator('[data-testid="audit-entry"]');
    await panel.locator(`[data-testid="audit-entry"][data-audit-id="${expected[0]}"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => rows.count()).toBe(25);
    await panel.getByRole("button", { name: "Older" }).click();
    await panel.locator(`[data-testid="audit-entry"][data-audit-id="${expected[25]}"]`).waitFor({ timeout: 15_000 });
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-audit-id")));
    expect(ids).toEqual(expected.slice(0, ids.length));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await rows.evaluateAll((trs) => trs.every((tr) => tr.getAttribute("data-action") === "market.status"))).toBe(true);

    // More changes than a page while the panel is open: each one's admin event reads the newest
    // page again, and the panel still shows a run of the log without a gap, each entry once.
    for (let i = 0; i < 30; i += 1) await asToken(`/api/admin/markets/${marketId}/status`, { status: i % 2 === 0 ? "suspended" : "open" });
    const latest = (await auditOf("action=market.status&limit=200")).entries.map((e) => e.id);
    await panel.locator(`[data-testid="audit-entry"][data-audit-id="${latest[0]}"]`).waitFor({ timeout: 15_000 });
    const after = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-audit-id")));
    expect(after).toEqual(latest.slice(0, after.length));
  });

  it("the role route: a change is told to the admins with its entry's id and shows in the console's feed; the last admin account keeps its role", async () => {
    const adminPage = await pageOf(admin, "/admin");
    await adminPage.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    const account = (await (await bettor.get("/api/account")).json()) as { id: string };
    const setRole = (userId: string, role: string) => asToken(`/api/admin/users/${userId}/role`, { role });

    expect(await (await setRole(account.id, "admin")).json()).toEqual({ id: account.id, email: bettor.email, role: "admin", changed: true });
    const told = await admins.waitFor("admin:event", (e) => e.kind === "role_changed" && e.data.userId === account.id && e.data.role === "admin");
    expect(told.data).toEqual({ userId: account.id, email: bettor.email, role: "admin", by: "admin token" });
    const [entry] = (await auditOf(`targetType=user&targetId=${account.id}`)).entries;
    expect(told.auditId).toBe(entry?.id);
    const line = adminPage.locator(`[data-testid="admin-event"][data-audit-id="${entry?.id}"][data-kind="role_changed"]`);
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toContain(`Account ${bettor.email} made an admin, by admin token`);
    await adminPage.locator(`[data-testid="audit-entry"][data-audit-id="${entry?.id}"][data-action="user.role"]`).waitFor({ timeout: 15_000 });

    // Two admin accounts: one may go. Then the console's account is the last one, and keeps its role.
    expect(await (await setRole(account.id, "user")).json()).toMatchObject({ role: "user", changed: true });
    const refused = await setRole(adminId, "user");
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "last_admin" } });
    expect((await admin.get("/api/admin/overview")).status).toBe(200);
    expect((await setRole("not-a-uuid", "user")).status).toBe(404);
    expect((await auditOf(`targetType=user&targetId=${adminId}`)).entries).toEqual([]);
  });
});

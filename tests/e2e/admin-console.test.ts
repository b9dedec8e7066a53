import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHANNELS, type OddsSnapshot } from "../../lib/protocol";
import { AdminOverview } from "../../lib/protocol/admin-overview";
import type { PublisherStatus } from "../../lib/publisher/control";
import { carrySession, launchBrowser } from "../support/browser";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

/** The admin console in Chromium and the admin events behind it, against the whole stack. */
describe("admin console", () => {
  let stack: FullStack;
  let browser: Browser;
  let admin: WebUser;
  let bettor: WebUser;
  /** A socket with an admin relay token: every admin event, in order. */
  let admins: TestClient;
  const sockets: TestClient[] = [];
  const contexts: BrowserContext[] = [];
  const bearer = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const route = () => `${stack.web.url}/api/sports/ws-publisher`;
  const status = async () => (await (await fetch(route())).json()) as PublisherStatus;
  const publisherEvents = () => admins.of("admin:event").filter((e) => e.kind.startsWith("publisher_"));

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "admin");
    browser = await launchBrowser();
    admin = new WebUser(stack.web.url, `${randomUUID()}@admin.test`);
    await admin.signUp();
    await stack.db.user.update({ where: { email: admin.email }, data: { role: "ADMIN" } });
    bettor = new WebUser(stack.web.url);
    await bettor.signUp();
    const token = await fetch(`${stack.web.url}/api/auth/relay-token`, {
      method: "POST",
      headers: bearer,
      body: JSON.stringify({ sub: "watching-admin", role: "admin" }),
    });
    admins = await connectClient(stack.relay.url, { token: ((await token.json()) as { token: string }).token });
    sockets.push(admins);
    await until(async () => (await status()).running, 20_000, "publisher running");
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  /** A browser context signed in as `user` (its session cookie). */
  async function contextOf(user: WebUser | null): Promise<BrowserContext> {
    const context = await browser.newContext();
    contexts.push(context);
    await carrySession(context, user, stack.web.url);
    return context;
  }

  it("GET /api/admin/overview answers admins only, with the publisher, every relay instance and the simulator", async () => {
    expect((await fetch(`${stack.web.url}/api/admin/overview`)).status).toBe(401);
    expect((await bettor.get("/api/admin/overview")).status).toBe(403);
    const answer = await admin.get("/api/admin/overview");
    expect(answer.status).toBe(200);
    const overview = AdminOverview.parse(await answer.json());
    expect(overview.publisher).toMatchObject({ ok: true, status: { running: true, leader: { instanceId: expect.any(String) } } });
    if (!overview.relay.ok) throw new Error(`relay unreachable: ${overview.relay.error}`);
    expect(overview.relay.health.cluster.instances.map((i) => i.instanceId)).toEqual([overview.relay.health.instanceId]);
    expect(overview.relay.health.cluster.connections).toBeGreaterThanOrEqual(1); // the admin socket at least
    expect(overview.sources).toEqual([expect.objectContaining({ name: "Simulator", quota: null, breaker: null, lastDataAt: null })]);
  });

  it("the publisher route tells the admins what each start, stop and interval changed, naming who, and nothing for a no-op", async () => {
    const before = publisherEvents().length;
    /** With the admin token, or (for a POST) as the signed-in admin `account`. */
    const call = async (method: "POST" | "DELETE", body?: unknown, account?: WebUser) => {
      const response = account
        ? await account.post("/api/sports/ws-publisher", body ?? {})
        : await fetch(route(), { method, headers: bearer, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(response.status).toBe(200);
    };
    await call("DELETE");
    await call("DELETE"); // already stopped: says nothing
    await call("POST");
    await call("POST"); // already running at that interval: says nothing
    await call("POST", { intervalMs: 250 });
    await call("POST", { intervalMs: 100 }, admin); // an admin account, by its session cookie
    // The last one's arrival means every earlier one has arrived (one publisher, one channel, in order).
    await admins.waitFor("admin:event", (e) => e.kind === "publisher_interval" && e.data.by === admin.email);
    expect(
      publisherEvents()
        .slice(before)
        .map((e) => ({ kind: e.kind, data: e.data })),
    ).toEqual([
      { kind: "publisher_stopped", data: { by: "admin token" } },
      { kind: "publisher_started", data: { intervalMs: 100, by: "admin token" } },
      { kind: "publisher_interval", data: { intervalMs: 250, previousMs: 100, by: "admin token" } },
      { kind: "publisher_interval", data: { intervalMs: 100, previousMs: 250, by: admin.email } },
    ]);
    // The public status still names only how the admin proved it, not who.
    expect((await status()).updatedBy).toBe("an admin account");
  });

  it("Chromium: a stop with the admin token shows on a signed-in admin's console, and its Start brings the publisher back", async () => {
    const page = await (await contextOf(admin)).newPage();
    const response = await page.goto(`${stack.web.url}/admin`);
    expect(response?.status()).toBe(200);
    await page.locator('[data-testid="publisher-state"][data-state="running"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    // This page and the admin socket, once an overview read after this page connected shows them
    // (the server-rendered one may predate the page's socket; the console reads it every second).
    const relayRow = page.locator('[data-testid="relay-instances"] tbody tr').first();
    await expect.poll(async () => Number(await relayRow.getAttribute("data-connections")), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

    const sentAt = Date.now();
    const stopping = fetch(route(), { method: "DELETE", headers: bearer });
    await page.locator('[data-testid="publisher-state"][data-state="stopped"]').waitFor({ timeout: 15_000 });
    const stateAfterMs = Date.now() - sentAt;
    // Pushed to this page (the feed also starts from the audit log, which holds earlier stops).
    const stopped = page.locator('[data-testid="admin-event"][data-kind="publisher_stopped"][data-source="live"]').first();
    await stopped.waitFor({ timeout: 15_000 });
    const feedAfterMs = Date.now() - sentAt;
    console.log(`curl-like stop → console shows Stopped after ${stateAfterMs} ms, the publisher_stopped event after ${feedAfterMs} ms`);
    expect(await stopped.textContent()).toContain("Publisher stopped by admin token");
    expect(await page.locator('[data-testid="publisher-state"]').textContent()).toBe("Stopped");
    expect((await stopping).status).toBe(200);

    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.locator('[data-testid="publisher-state"][data-state="running"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="admin-event"][data-kind="publisher_started"]', { hasText: admin.email }).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="publisher-state"]').textContent()).toBe("Running");
    expect(await status()).toMatchObject({ desired: "running", running: true, updatedBy: "an admin account" });
    // Newest first: the start sits above the stop.
    await page.locator('[data-testid="admin-event"]').first().and(page.locator('[data-kind="publisher_started"]')).waitFor();
  });

  it("Chromium: the console stops reading the overview while its tab is hidden, and reads it again when shown", async () => {
    const page = await (await contextOf(admin)).newPage();
    const reads: number[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/api/admin/overview")) reads.push(Date.now());
    });
    await page.goto(`${stack.web.url}/admin`);
    await until(async () => reads.length >= 2, 10_000, "the console polling");
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
        document.dispatchEvent(new Event("visibilitychange"));
      }, hidden);
    await setHidden(true);
    await page.waitForTimeout(300); // a read already in flight may still land
    const hiddenAt = reads.length;
    await page.waitForTimeout(3_000); // three poll periods
    expect(reads.length).toBe(hiddenAt);
    const shown = page.waitForRequest((request) => request.url().endsWith("/api/admin/overview"));
    await setHidden(false);
    await shown;
  });

  it("a bettor never receives an admin event: not in their /sports page, not on their own socket", async () => {
    const context = await contextOf(bettor);
    const page = await context.newPage();
    const frames: string[] = [];
    page.on("websocket", (ws) => ws.on("framereceived", (frame) => frames.push(String(frame.payload))));
    await page.goto(`${stack.web.url}/sports?sport=basketball_nba`);
    await page.locator(`.account-bar[data-signed-in="${bettor.email}"][data-personal="live"]`).waitFor({ timeout: 20_000 });
    const token = ((await (await bettor.post("/api/auth/relay-token", {})).json()) as { token: string }).token;
    const socket = await connectClient(stack.relay.url, { token });
    sockets.push(socket);
    expect(await socket.emit("subscribe", { sports: ["basketball_nba"], events: ["marker-room"] })).toMatchObject({ ok: true });

    const before = admins.of("admin:event").length;
    expect((await fetch(route(), { method: "DELETE", headers: bearer })).status).toBe(200);
    expect((await fetch(route(), { method: "POST", headers: bearer })).status).toBe(200);
    await admins.waitFor("admin:event", (e) => e.kind === "publisher_started" && admins.of("admin:event").length >= before + 2);

    // Markers published after the admin events: once each arrives, anything meant for that socket has.
    const bus = new Redis(stack.redis.url);
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: "m", eventId: "marker-room", user: { id: "t", name: "t" }, text: "marker", ts: Date.now() }),
    );
    bus.disconnect();
    await socket.waitFor("chat:message", (m) => m.text === "marker");
    expect(socket.of("admin:event")).toEqual([]);
    // The page's marker is its own bet being accepted (its user:update, on its own socket).
    const selection = await pick();
    expect((await bettor.post("/api/bets", { ...selection, stake: 5, accept: "any" }, { "idempotency-key": randomUUID() })).status).toBe(201);
    await until(async () => frames.some((f) => f.includes('"user:update"')), 15_000, "the bettor page's user:update");
    expect(frames.filter((f) => f.includes("admin:event"))).toEqual([]);
    expect(admins.of("admin:event").length).toBeGreaterThanOrEqual(before + 2); // there were admin events to leak
  });

  it("Chromium: an admin voids one event's bets and settles another from the picker; the bettor is refunded, the feed says so", async () => {
    const [voided, settled] = [await pick(2), await pick(3)]; // events no earlier test bet on
    const placed = await bettor.post("/api/bets", { ...voided, stake: 7, accept: "any" }, { "idempotency-key": randomUUID() });
    expect(placed.status).toBe(201);
    const betId = ((await placed.json()) as { bet: { id: string } }).bet.id;
    const page = await (await contextOf(admin)).newPage();
    await page.goto(`${stack.web.url}/admin`);
    await page.locator('[data-testid="admin-feed-state"][data-listening="true"]').waitFor({ timeout: 20_000 });
    const panel = page.getByRole("region", { name: "Settle or void an event" });

    await panel.locator("select[name=event]").selectOption(voided.eventId);
    await panel.getByRole("button", { name: "Void bets" }).click();
    await panel.getByRole("status").filter({ hasText: "voided: 1 bet." }).waitFor({ timeout: 15_000 });
    await page
      .locator('[data-testid="admin-event"][data-kind="event_voided"]', { hasText: `${voided.eventId} voided by ${admin.email}: 1 bet refunded` })
      .waitFor({ timeout: 15_000 });
    const bets = (await (await bettor.get("/api/bets")).json()) as { bets: { id: string; status: string }[] };
    expect(bets.bets.find((b) => b.id === betId)?.status).toBe("void");
    // It left the picker: the picker re-reads the board on its own, so wait for the option to go.
    await panel.locator(`select[name=event] option[value="${voided.eventId}"]`).waitFor({ state: "detached" });

    await panel.locator("select[name=event]").selectOption(settled.eventId);
    await panel.locator("input[name=home]").fill("2");
    await panel.locator("input[name=away]").fill("1");
    await panel.getByRole("button", { name: "Settle with result" }).click();
    await panel.getByRole("status").filter({ hasText: "settled 2–1: 0 bets." }).waitFor({ timeout: 15_000 });
    await page
      .locator('[data-testid="admin-event"][data-kind="event_settled"]', { hasText: `${settled.eventId} settled by ${admin.email}` })
      .waitFor({ timeout: 15_000 });
    expect(await stack.db.event.findUniqueOrThrow({ where: { id: settled.eventId }, select: { status: true, homeScore: true, awayScore: true } })).toEqual({
      status: "ENDED",
      homeScore: 2,
      awayScore: 1,
    });
  });

  it("a bettor opening /admin gets the 403 page; signed out, the sign-in form, through which an admin reaches the console", async () => {
    const bettorPage = await (await contextOf(bettor)).newPage();
    const refused = await bettorPage.goto(`${stack.web.url}/admin`);
    expect(refused?.status()).toBe(403);
    await bettorPage.getByRole("heading", { name: "This page is for admins" }).waitFor();
    expect(await bettorPage.locator('[data-testid="publisher-state"]').count()).toBe(0);

    const page: Page = await (await contextOf(null)).newPage();
    const signedOut = await page.goto(`${stack.web.url}/admin`);
    expect(signedOut?.status()).toBe(200);
    await page.locator(".dialog.auth").waitFor();
    expect(await page.locator('[data-testid="publisher-state"]').count()).toBe(0);
    await page.fill("input[name=email]", admin.email);
    await page.fill("input[name=password]", admin.password);
    await page.click(".dialog button[type=submit]");
    await page.locator('[data-testid="admin-email"]', { hasText: admin.email }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="publisher-state"]').waitFor();
  });

  /** The `skip`-th prematch NBA outcome open on the board now. */
  async function pick(skip = 0) {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.phase === "prematch" && e.status === "active" && e.markets.h2h?.status === "open")[skip];
    const price = event?.markets.h2h?.outcomes.home?.price;
    if (!event || !price) throw new Error("no open selection on the board");
    return { eventId: event.id, market: "h2h", outcome: "home", price };
  }
});

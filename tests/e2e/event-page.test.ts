import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { formatOdds } from "../../lib/odds";
import type { OddsSnapshot } from "../../lib/protocol";
import { launchBrowser } from "../support/browser";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";

/** The event page: every bookmaker's price, moving live, with price history; book detail only in the event's room. */
describe("event page", () => {
  let stack: FullStack;
  let browser: Browser;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "event_page");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await browser?.close();
    await stack?.stop();
  });

  async function prematchEvent(skip = 0): Promise<{ id: string; title: string }> {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.phase === "prematch" && e.status === "active")[skip];
    if (!event) throw new Error("no prematch NBA event on the board");
    return event;
  }

  /** The h2h home prices of every bookmaker for the event, as Postgres holds them. */
  async function homePrices(eventId: string): Promise<Map<string, number>> {
    const rows = await stack.db.bookPrice.findMany({
      where: { outcome: { key: "home", market: { key: "h2h", eventId } } },
      select: { bookmaker: true, price: true },
    });
    return new Map(rows.map((row) => [row.bookmaker, row.price]));
  }

  /** Moves every bookmaker's h2h home price of the event by `factor`, as a feed would. */
  async function moveHome(eventId: string, factor: number): Promise<void> {
    await stack.db.$executeRaw`
      UPDATE "BookPrice" b SET "price" = round((b."price" * ${factor})::numeric, 2), "lastUpdate" = now()
      FROM "Outcome" o JOIN "Market" m ON m."id" = o."marketId"
      WHERE b."outcomeId" = o."id" AND o."key" = 'home' AND m."key" = 'h2h' AND m."eventId" = ${eventId}::uuid`;
  }

  const bookCell = (page: Page, book: string) => page.locator(`[data-market="h2h"] tr[data-book="${book}"] td[data-outcome="home"]`);
  const homeSparkline = (page: Page) => page.locator('[data-market="h2h"] tr.history td').first().locator("svg");

  it("is server-rendered with every bookmaker's price, reachable from the board by its teams", async () => {
    const event = await prematchEvent(0);
    const books = await homePrices(event.id);
    expect(books.size).toBeGreaterThan(1);
    const html = await (await fetch(`${stack.web.url}/sports/basketball_nba/${event.id}`)).text();
    for (const [book, price] of books) {
      expect(html).toContain(`data-book="${book}"`);
      expect(html).toContain(`data-price="${price}"`);
    }

    const page = await browser.newPage();
    await page.goto(`${stack.web.url}/sports?sport=basketball_nba`);
    await page.locator(`.event[data-event-id="${event.id}"] a.teams`).click();
    await page.waitForURL(`${stack.web.url}/sports/basketball_nba/${event.id}`);
    await page.locator('.live-status[data-connection="live"]').waitFor();
    // The page after a client-side navigation: wait for each book's price rather than read it once.
    for (const [book, price] of books)
      await bookCell(page, book)
        .and(page.locator(`[data-price="${price}"]`))
        .waitFor();
    await page.close();
  });

  it("moves a book's cell and extends the sparkline when a price moves in the database, without a reload", async () => {
    const event = await prematchEvent(1);
    const page = await browser.newPage();
    await page.goto(`${stack.web.url}/sports/basketball_nba/${event.id}`);
    await page.locator('.live-status[data-connection="live"]').waitFor();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const pointsBefore = Number(await homeSparkline(page).getAttribute("data-points"));
    const ourBefore = await page.locator('[data-market="h2h"] tr.ours [data-outcome="home"] .price').getAttribute("data-price");

    await moveHome(event.id, 1.3);
    const moved = await homePrices(event.id);
    for (const [book, price] of moved)
      await page.locator(`[data-market="h2h"] tr[data-book="${book}"] td[data-outcome="home"][data-price="${price}"]`).waitFor({ timeout: 10_000 });
    await until(
      async () => (await page.locator('[data-market="h2h"] tr.ours [data-outcome="home"] .price').getAttribute("data-price")) !== ourBefore,
      10_000,
      "our price moved",
    );
    await until(async () => Number(await homeSparkline(page).getAttribute("data-points")) > pointsBefore, 10_000, "the sparkline extended");
    // The consensus row follows the fair price the publisher sent.
    const fairPrice = async () => {
      const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
      return snapshot.events.find((e) => e.id === event.id)?.markets.h2h?.outcomes.home?.fairPrice ?? null;
    };
    const consensus = page.locator('[data-market="h2h"] tr.consensus td[data-outcome="home"]');
    await until(
      async () => {
        const sent = await fairPrice();
        return sent !== null && (await consensus.textContent()) === formatOdds(sent, "decimal");
      },
      10_000,
      "the consensus shows the moved fair price",
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.close();
  });

  it("opens with the price history kept on the server", async () => {
    const event = await prematchEvent(2);
    await moveHome(event.id, 1.2);
    // The publisher stores a point when the event's prices move (at most one per 10 s per event).
    await until(
      async () => ((await (await fetch(`${stack.web.url}/api/events/${event.id}`)).json()) as { history: unknown[] }).history.length > 0,
      15_000,
      "a stored point",
    );
    const page = await browser.newPage();
    await page.goto(`${stack.web.url}/sports/basketball_nba/${event.id}`);
    // Before any live move: the stored point plus the state the page opened with.
    expect(Number(await homeSparkline(page).getAttribute("data-points"))).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it("sends book-level prices to the event's room only, never to a socket that follows just the sport", async () => {
    const event = await prematchEvent(3);
    const watcher = await connectClient(stack.relay.url);
    const boardOnly = await connectClient(stack.relay.url);
    sockets.push(watcher, boardOnly);
    await watcher.emit("subscribe", { sports: ["basketball_nba"], events: [event.id] });
    await boardOnly.emit("subscribe", { sports: ["basketball_nba"] });

    await moveHome(event.id, 1.25);
    const books = await watcher.waitFor("event:books", (m) => m.eventId === event.id);
    expect(Object.keys(books.markets)).toEqual(["h2h"]);
    const moved = await homePrices(event.id);
    expect(new Map(books.markets.h2h?.home?.map((q) => [q.book, q.price]))).toEqual(moved);

    // Everything the relay got before a later delta has reached the board-only socket by the time
    // that delta has: wait for a delta published after those books, then look for the books.
    const seqAfterBooks = Math.max(...watcher.of("odds:delta").map((d) => d.seq));
    await moveHome(event.id, 0.8);
    await boardOnly.waitFor("odds:delta", (d) => d.seq > seqAfterBooks && d.changes.some((c) => c.eventId === event.id));
    expect(boardOnly.of("event:books")).toEqual([]);
  });

  it("answers 404 for an event that does not exist, on the page and the API", async () => {
    expect((await fetch(`${stack.web.url}/sports/basketball_nba/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${stack.web.url}/api/events/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${stack.web.url}/api/events/not-a-uuid`)).status).toBe(404);
  });
});

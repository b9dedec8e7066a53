import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EventDetailAnswer, OddsSnapshot, SportsAnswer } from "../../lib/protocol";
import { buildWebIfStale } from "../../scripts/next-build";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { type PgQueryCounter, startPgQueryCounter } from "../support/pg-query-counter";
import { TEST_DIST_DIR } from "../support/web";

/**
 * The hot reads (`/sports`, `GET /api/sports`, the snapshot, `GET /api/events/<id>`) are served from
 * the publisher's state in Redis: the web app reaches Postgres through a query counter, and once
 * the publisher has written, every route keeps answering with that proxy cut, without one query,
 * and follows what the publisher publishes next.
 */
describe("hot reads without Postgres", () => {
  let counter: PgQueryCounter;
  let stack: FullStack;
  let sport = "";
  let eventId = "";

  const get = (path: string) => fetch(`${stack.web.url}${path}`);
  const sports = async () => SportsAnswer.parse(await (await get("/api/sports")).json()).sports;
  const snapshot = async () => OddsSnapshot.parse(await (await get(`/api/sports/snapshot?sport=${sport}`)).json());
  const detail = async () => EventDetailAnswer.parse(await (await get(`/api/events/${eventId}`)).json());

  beforeAll(async () => {
    await buildWebIfStale(TEST_DIST_DIR);
    const pgServer = new URL(inject("pgServerUrl"));
    counter = await startPgQueryCounter(Number(pgServer.port), pgServer.hostname);
    stack = await startFullStack(inject("pgServerUrl"), "hot_reads", {}, { webDatabaseUrl: (url) => counter.url(url) });
    await until(async () => (await get("/api/sports")).headers.get("x-served-from") === "redis", 20_000, "the publisher's catalogue and summary");
    const listed = await sports();
    sport = listed.find((entry) => entry.activeEvents > 0)?.key ?? "";
    eventId = (await snapshot()).events[0]?.id ?? "";
    expect(eventId).not.toBe("");
  });

  afterAll(async () => {
    await stack?.stop();
    await counter?.close();
  });

  it("answers unknown sports and events with 404; an unknown event id asked again costs no query", async () => {
    expect((await get("/api/sports/snapshot?sport=no_such_sport")).status).toBe(404);
    const before = counter.queries();
    expect((await get("/api/events/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    const asked = counter.queries();
    expect(asked).toBeGreaterThan(before);
    for (let i = 0; i < 20; i += 1) expect((await get("/api/events/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect(counter.queries()).toBe(asked);
  });

  it("serves every hot read with Postgres out of reach, without a query", async () => {
    // Warm: an event whose books the publisher has not stored yet is read from Postgres once.
    expect((await get(`/api/events/${eventId}`)).status).toBe(200);
    counter.cut();
    const before = counter.queries();
    for (let i = 0; i < 10; i += 1) {
      for (const path of ["/api/sports", `/api/sports/snapshot?sport=${sport}`, `/api/events/${eventId}`, "/sports", `/sports?sport=${sport}`]) {
        const response = await get(path);
        expect(response.status, path).toBe(200);
        await response.arrayBuffer();
      }
    }
    expect(counter.queries()).toBe(before);
    // The page rendered above is served from memory while the board stays still.
    await until(async () => (await get(`/sports?sport=${sport}`)).headers.get("x-page-cache") === "hit", 20_000, "the page served from memory");
    const listed = await sports();
    expect(listed.find((entry) => entry.key === sport)?.activeEvents).toBeGreaterThan(0);
    expect(await (await get("/sports")).text()).toContain(listed[0]?.title ?? "?");
  });

  it("shows what the publisher publishes next, still without Postgres", async () => {
    counter.cut();
    const before = counter.queries();
    const { seq, events } = await snapshot();
    const becomesLive = events.find((entry) => entry.id === eventId)?.phase === "prematch" ? 1 : 0;
    const liveBefore = (await sports()).find((entry) => entry.key === sport)?.liveEvents ?? 0;
    // A bookmaker price and the event's phase move in Postgres (the database's own connection, not the web app's).
    await stack.db
      .$executeRaw`UPDATE "BookPrice" bp SET price = 9.87 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE bp."outcomeId" = o.id AND m."eventId" = ${eventId}::uuid AND m.key = 'h2h' AND o.key = 'home'`;
    await stack.db.$executeRaw`UPDATE "Event" SET phase = 'LIVE' WHERE id = ${eventId}::uuid AND phase <> 'LIVE'`;
    // The publisher steps on each commit, so the two moves may come in two deltas: wait for the later one.
    await until(async () => (await snapshot()).events.find((entry) => entry.id === eventId)?.phase === "live", 20_000, "the phase in the snapshot");
    expect((await snapshot()).seq).toBeGreaterThan(seq);
    await until(
      async () => Object.values((await detail()).books.h2h?.home ?? []).some((quote) => quote.price === 9.87),
      20_000,
      "the new book price in the event detail",
    );
    await until(async () => (await sports()).find((entry) => entry.key === sport)?.liveEvents === liveBefore + becomesLive, 20_000, "the live count");
    // The page kept in memory was rendered at the old seq: the next one is rendered afresh, then kept.
    expect((await get(`/sports?sport=${sport}`)).headers.get("x-page-cache")).toBeNull();
    // Kept from then on while the board stays still (a later step, such as the bet stop of an event in play with no producer, renders it once more).
    await until(async () => (await get(`/sports?sport=${sport}`)).headers.get("x-page-cache") === "hit", 20_000, "the page served from memory");
    expect(counter.queries()).toBe(before);
  });

  it("answers 503 naming Redis when Redis is down", async () => {
    await stack.redis.halt();
    for (const path of ["/api/sports", `/api/sports/snapshot?sport=${sport}`, `/api/events/${eventId}`]) {
      const response = await get(path);
      expect(response.status, path).toBe(503);
      expect(JSON.stringify(await response.json()), path).toContain("Redis");
    }
  });
});

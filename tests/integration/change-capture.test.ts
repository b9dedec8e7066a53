import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { drainChanges } from "../../lib/publisher/change-capture";
import { seedDemoData } from "../../prisma/seed";
import { createTestDatabase } from "../support/services";

/** What the triggers record in OddsChange for each kind of write (docs/data.md, "Change capture"). */
describe("change capture", () => {
  let db: Db;
  const captured = async () =>
    (
      await db.$queryRaw<{ eventId: string; rowKind: string | null; rowId: string | null }[]>`
      SELECT "eventId"::text AS "eventId", "rowKind", "rowId"::text AS "rowId" FROM "OddsChange" ORDER BY id`
    ).map((c) => ({ ...c }));

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "capture"));
    await seedDemoData(db);
  });
  beforeEach(async () => {
    await db.$executeRaw`DELETE FROM "OddsChange"`;
  });
  afterAll(async () => db?.$disconnect());

  const priceRow = () =>
    db.bookPrice.findFirstOrThrow({ select: { id: true, outcome: { select: { id: true, market: { select: { eventId: true } } } } }, orderBy: { id: "asc" } });

  it("a moved price names its row; a lastUpdate alone is not captured", async () => {
    const price = await priceRow();
    await db.bookPrice.update({ where: { id: price.id }, data: { lastUpdate: new Date() } });
    expect(await captured()).toEqual([]);
    await db.bookPrice.update({ where: { id: price.id }, data: { price: 7.77 } });
    expect(await captured()).toEqual([{ eventId: price.outcome.market.eventId, rowKind: "price", rowId: price.id }]);
  });

  it("a bet names the outcome whose pool moved", async () => {
    const price = await priceRow();
    await db.bet.create({ data: { userId: "u", outcomeId: price.outcome.id, stake: 25, price: 2 } });
    expect(await captured()).toEqual([{ eventId: price.outcome.market.eventId, rowKind: "stake", rowId: price.outcome.id }]);
  });

  it("structural changes reread the whole event (both events when a row moves between them)", async () => {
    const price = await priceRow();
    const other = await db.outcome.findFirstOrThrow({
      where: { market: { eventId: { not: price.outcome.market.eventId } } },
      select: { id: true, market: { select: { eventId: true } } },
    });
    await db.outcome.update({ where: { id: price.outcome.id }, data: { name: "Renamed" } });
    await db.bookPrice.update({ where: { id: price.id }, data: { outcomeId: other.id, bookmaker: "moved-book" } });
    await db.event.update({ where: { id: other.market.eventId }, data: { title: "New title" } });
    const changes = await captured();
    expect(changes.every((c) => c.rowKind === null)).toBe(true);
    expect(new Set(changes.map((c) => c.eventId))).toEqual(new Set([price.outcome.market.eventId, other.market.eventId]));
  });

  it("inserts and deletes reread the whole event", async () => {
    const price = await priceRow();
    await db.bookPrice.delete({ where: { id: price.id } });
    await db.bookPrice.create({ data: { outcomeId: price.outcome.id, bookmaker: "new-book", price: 2.5, lastUpdate: new Date() } });
    expect(await captured()).toEqual([
      { eventId: price.outcome.market.eventId, rowKind: null, rowId: null },
      { eventId: price.outcome.market.eventId, rowKind: null, rowId: null },
    ]);
  });

  it("the drain empties the queue and returns each named row's value as of now", async () => {
    const price = await priceRow();
    await db.bookPrice.update({ where: { id: price.id }, data: { price: 3.33 } });
    await db.bookPrice.update({ where: { id: price.id }, data: { price: 4.44 } });
    await db.bet.create({ data: { userId: "u", outcomeId: price.outcome.id, stake: 10, price: 2 } });
    const pool = await db.outcome.findUniqueOrThrow({ where: { id: price.outcome.id }, select: { stakeTotal: true } });
    const drained = await db.$transaction((tx) => drainChanges(tx));
    expect(drained.map((c) => [c.rowKind, c.price, c.stakeTotal?.toString() ?? null]).sort()).toEqual([
      ["price", 4.44, null],
      ["price", 4.44, null],
      ["stake", null, pool.stakeTotal.toString()],
    ]);
    expect(await captured()).toEqual([]);
  });
});

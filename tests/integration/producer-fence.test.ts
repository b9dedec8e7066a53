import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { FencedError, fenceOf, fencedTransaction, takeTerm } from "../../lib/feed/producer-term";
import { until } from "../support/full-stack";
import { createTestDatabase } from "../support/services";

/**
 * The producers' fence in Postgres (lib/feed/producer-term.ts): once a successor has raised the
 * term, nothing a deposed instance writes can commit, whatever it believes about its lease.
 */
describe("producer terms fence off a deposed instance", () => {
  let db: Db;
  let other: Db;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("pgServerUrl"), "fence");
    db = createDb(url);
    other = createDb(url); // the successor: its own connections, as another process would have
    await db.sport.create({ data: { key: "soccer_epl", title: "EPL", group: "Soccer" } });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await other?.$disconnect();
  });

  const title = async () => (await db.sport.findUniqueOrThrow({ where: { key: "soccer_epl" }, select: { title: true } })).title;
  const rename = (fence: ReturnType<typeof fenceOf>, to: string) =>
    fencedTransaction(db, fence, (tx) => tx.sport.update({ where: { key: "soccer_epl" }, data: { title: to } }));

  it("each take raises the term; a write under an older term throws FencedError and writes nothing", async () => {
    const first = await takeTerm(db, "simulator", "a:1");
    await rename(fenceOf("simulator", first), "written under the first term");
    const second = await takeTerm(other, "simulator", "b:2");
    expect(second).toBe(first + 1n);
    await expect(rename(fenceOf("simulator", first), "written by the deposed one")).rejects.toBeInstanceOf(FencedError);
    expect(await title()).toBe("written under the first term");
    await rename(fenceOf("simulator", second), "written under the second term");
    expect(await title()).toBe("written under the second term");
    // Terms are per producer: the poller's is its own.
    expect(await takeTerm(db, "the-odds-api", "a:1")).toBe(1n);
    const row = await db.producerTerm.findUniqueOrThrow({ where: { producer: "simulator" } });
    expect([row.term, row.holder]).toEqual([second, "b:2"]);
  });

  it("a write in flight when the successor takes over commits first; the take waits for it, and every later write is fenced", async () => {
    const term = await takeTerm(db, "simulator", "a:1");
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fenced = false;
    const inFlight = fencedTransaction(db, fenceOf("simulator", term), async (tx) => {
      fenced = true; // past the fence, holding the term row FOR SHARE
      await gate;
      await tx.sport.update({ where: { key: "soccer_epl" }, data: { title: "the write in flight" } });
    });
    await until(async () => fenced, 10_000, "the write past the fence");
    const taking = takeTerm(other, "simulator", "b:2", { lockTimeoutMs: 60_000 });
    // The successor's take is seen waiting for the row lock before the write goes on.
    await until(async () => (await waitingForLock(db)) > 0, 20_000, "the take waiting for the row lock");
    release();
    await inFlight;
    expect(await taking).toBe(term + 1n);
    expect(await title()).toBe("the write in flight");
    await expect(rename(fenceOf("simulator", term), "too late")).rejects.toBeInstanceOf(FencedError);
    expect(await title()).toBe("the write in flight");
  });

  it("an instance paused inside a write cannot hold the term: Postgres ends its idle transaction, the successor takes over, and the paused write never commits", async () => {
    const term = await takeTerm(db, "simulator", "a:1");
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fenced = false;
    const paused = fencedTransaction(db, fenceOf("simulator", term), async (tx) => {
      fenced = true;
      await gate; // as if SIGSTOPped here
      await tx.sport.update({ where: { key: "soccer_epl" }, data: { title: "written after the pause" } });
    }).then(
      () => "committed",
      () => "failed",
    );
    await until(async () => fenced, 10_000, "the write past the fence");
    let taken: bigint | null = null;
    await until(
      async () => {
        taken = await takeTerm(other, "simulator", "b:2").catch(() => null); // 1 s lock wait each try, as the feed retries
        return taken !== null;
      },
      30_000,
      "the successor's term",
    );
    expect(taken).toBe(term + 1n);
    release();
    expect(await paused).toBe("failed");
    expect(await title()).not.toBe("written after the pause");
  });
});

/** Sessions of this database waiting for a lock. */
async function waitingForLock(db: Db): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return rows[0]?.n ?? 0;
}

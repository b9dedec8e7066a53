// Over 300 lines: each admin action that moves money or the board writes one entry in its own transaction, case by case.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { balanceOf, post } from "../../lib/accounts/ledger";
import { changeRole } from "../../lib/accounts/roles";
import { type AuditActor, audit, auditPage } from "../../lib/audit";
import { setResult, voidBet, voidEvent } from "../../lib/bets/settlement";
import { setEventStatus, setMarketStatus } from "../../lib/board-status";
import { deleteMessage, storeMessage } from "../../lib/chat/store";
import { type Db, createDb } from "../../lib/db";
import { KEYS, type TrustRecord, readTrust } from "../../lib/protocol";
import { decideDesired, readDesired } from "../../lib/publisher/control";
import { seedDemoData } from "../../prisma/seed";
import { until } from "../support/full-stack";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";

/**
 * The audit log against a real Postgres: every admin action that moves money or the board leaves
 * exactly one entry when it succeeds, in its own transaction, and none when it fails or changes
 * nothing; and the log reads back in pages, newest first, filtered.
 */
describe("audit log", () => {
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let admin: AuditActor;
  const TOKEN: AuditActor = { id: null, label: "admin token" };
  const RUNNING = { state: "running", intervalMs: 500 } as const;

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "audit");
    db = createDb(dbUrl, { poolSize: 8 });
    await seedDemoData(db);
    redis = await startRedisServer();
    client = new Redis(redis.url);
    const account = await signUp(db, { email: `${randomUUID()}@admin.test`, password: "long enough" }, 0, "admin");
    admin = { id: account.id, label: account.email };
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  /** Every entry about one target, oldest first. */
  const entriesOf = (targetId: string) => db.auditEntry.findMany({ where: { targetId }, orderBy: { id: "asc" } });
  const entryCount = () => db.auditEntry.count();

  /** The `skip`-th prematch event still on the board, and its markets by key. */
  async function boardEvent(skip: number) {
    const event = await db.event.findFirstOrThrow({
      where: { status: "ACTIVE", phase: "PREMATCH" },
      orderBy: { id: "asc" },
      skip,
      select: { id: true, markets: { select: { id: true, key: true } } },
    });
    return { id: event.id, market: (key: string) => event.markets.find((m) => m.key === key)?.id ?? "" };
  }

  /** A bettor holding one open bet on the event's h2h home outcome, staked as a placement would: ledger debit, then the row. */
  async function openBet(eventId: string, stake: number, price = 2) {
    const user = await signUp(db, { email: `${randomUUID()}@bettor.test`, password: "long enough" }, 1_000);
    const outcome = await db.outcome.findFirstOrThrow({ where: { key: "home", market: { eventId, key: "h2h" } }, select: { id: true } });
    const betId = randomUUID();
    await db.$transaction(async (tx) => {
      await post(tx, user.id, -stake, "STAKE", betId);
      await tx.$executeRaw`INSERT INTO "Bet" ("id", "userId", "outcomeId", "stake", "price") VALUES (${betId}::uuid, ${user.id}, ${outcome.id}::uuid, ${stake.toFixed(2)}::numeric, ${price})`;
    });
    return { userId: user.id, betId };
  }

  /**
   * Makes every write of `table` whose `column` is `value` fail inside its transaction (a trigger
   * raising), for the length of `work`.
   */
  async function failingWrites<T>(table: string, column: string, value: string, work: () => Promise<T>): Promise<T> {
    const name = `fail_${randomUUID().replaceAll("-", "")}`;
    await db.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW WHEN (NEW."${column}"::text = '${value}') EXECUTE FUNCTION ${name}()`,
    );
    try {
      return await work();
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "${table}"`);
      await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
    }
  }

  /**
   * Runs `start` while another transaction (its own connection) holds the lock `lockSql` takes,
   * and lets go only once `waiters` sessions of this database queue for a lock: the positive
   * signal that the requests `start` made really overlap. `holdMs` keeps holding after that.
   */
  async function queuedBehind<T>(lockSql: string, waiters: number, start: () => Promise<T>, holdMs = 0): Promise<T> {
    const holder = new pg.Client({ connectionString: dbUrl });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(lockSql);
    const work = start();
    work.catch(() => {}); // awaited below; a failure must not go unhandled while the lock is held
    try {
      await until(async () => (await waitingFor(holder)) === waiters, 20_000, `${waiters} sessions waiting for the lock`);
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }
    return work;
  }

  /** Sessions of this database waiting for a lock. One still starting up names no database in pg_stat_activity, but its locks do. */
  async function waitingFor(client: pg.Client): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l
       WHERE NOT l.granted AND (l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         OR l.pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database()))`,
    );
    return rows[0]?.n ?? 0;
  }

  describe("settling and voiding", () => {
    it("a result: one entry naming the admin account, the event before (active, no score) and after (ended, the score, bets and what was paid)", async () => {
      const event = await boardEvent(0);
      const bet = await openBet(event.id, 10, 2.5);
      const open = await db.bet.count({ where: { status: "OPEN", outcome: { market: { eventId: event.id } } } });
      const done = await setResult(db, event.id, { home: 2, away: 1 }, admin);
      if (typeof done === "string") throw new Error(done);
      const [entry, ...more] = await entriesOf(event.id);
      expect(more).toEqual([]);
      expect(entry).toMatchObject({ id: BigInt(done.auditId), actorId: admin.id, actor: admin.label, action: "event.settle", targetType: "event" });
      expect(entry?.before).toEqual({ status: "active", score: null });
      // The bettor's 10 at 2.5 won 25; the seed's pool bets are settled too, and paid to nobody.
      expect(entry?.after).toEqual({ status: "ended", score: { home: 2, away: 1 }, bets: 1, poolBets: open - 1, paid: 25 });
      expect((await balanceOf(db, bet.userId)).balance).toBe(1_015);
    });

    it("a result on an event already over, or on no event, leaves no entry", async () => {
      const event = await boardEvent(0);
      await setResult(db, event.id, { home: 0, away: 0 }, TOKEN);
      const count = await entryCount();
      expect(await setResult(db, event.id, { home: 1, away: 1 }, TOKEN)).toBe("over");
      expect(await voidEvent(db, event.id, TOKEN)).toBe("over");
      expect(await setResult(db, randomUUID(), { home: 1, away: 1 }, TOKEN)).toBe("not_found");
      expect(await entryCount()).toBe(count);
    });

    it("a void: one entry (cancelled, every stake refunded) by the admin token", async () => {
      const event = await boardEvent(0);
      const bet = await openBet(event.id, 40);
      const done = await voidEvent(db, event.id, TOKEN);
      if (typeof done === "string") throw new Error(done);
      const entries = await entriesOf(event.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        actorId: null,
        actor: "admin token",
        action: "event.void",
        before: { status: "active", score: null },
        after: { status: "cancelled", score: null, bets: 1, paid: 40 },
      });
      expect((await balanceOf(db, bet.userId)).balance).toBe(1_000);
    });

    it("voiding a bet: one entry with the bet before (open, stake, price) and after (void, payout); again, or no such bet: none", async () => {
      const event = await boardEvent(0);
      const bet = await openBet(event.id, 12.5, 3.1);
      const done = await voidBet(db, bet.betId, admin);
      if (typeof done === "string") throw new Error(done);
      expect(await entriesOf(bet.betId)).toEqual([
        expect.objectContaining({
          id: BigInt(done.auditId),
          actorId: admin.id,
          action: "bet.void",
          targetType: "bet",
          before: { status: "open", userId: bet.userId, stake: 12.5, price: 3.1 },
          after: { status: "void", payout: 12.5, voidReason: "admin" },
        }),
      ]);
      const count = await entryCount();
      expect(await voidBet(db, bet.betId, admin)).toBe("settled");
      expect(await voidBet(db, randomUUID(), admin)).toBe("not_found");
      expect(await entryCount()).toBe(count);
    });

    it("a failure inside the settlement's transaction leaves neither the settlement nor an entry", async () => {
      const event = await boardEvent(0);
      const bet = await openBet(event.id, 20);
      // The audit row itself fails: the event, the bets and the ledger roll back with it.
      await expect(failingWrites("AuditEntry", "targetId", event.id, () => setResult(db, event.id, { home: 3, away: 0 }, admin))).rejects.toThrow(
        /forced failure/,
      );
      expect(await db.event.findUniqueOrThrow({ where: { id: event.id }, select: { status: true, homeScore: true } })).toEqual({
        status: "ACTIVE",
        homeScore: null,
      });
      expect(await db.bet.findUniqueOrThrow({ where: { id: bet.betId }, select: { status: true } })).toEqual({ status: "OPEN" });
      expect((await balanceOf(db, bet.userId)).balance).toBe(980);
      // The bet's own write fails, before any entry is written: nothing stays either.
      await expect(failingWrites("Bet", "id", bet.betId, () => voidBet(db, bet.betId, admin))).rejects.toThrow(/forced failure/);
      await expect(failingWrites("Bet", "id", bet.betId, () => voidEvent(db, event.id, admin))).rejects.toThrow(/forced failure/);
      expect(await db.event.findUniqueOrThrow({ where: { id: event.id }, select: { status: true } })).toEqual({ status: "ACTIVE" });
      expect((await balanceOf(db, bet.userId)).balance).toBe(980);
      expect(await entriesOf(event.id)).toEqual([]);
      expect(await entriesOf(bet.betId)).toEqual([]);
    });
  });

  describe("suspending and reopening", () => {
    it("a market: one entry per change, none for a repeat; suspending clears feedSuspendedAt", async () => {
      const market = (await boardEvent(1)).market("h2h");
      expect(await setMarketStatus(db, market, "suspended", admin, null)).toMatchObject({ changed: true, status: "suspended" });
      expect(await setMarketStatus(db, market, "suspended", admin, null)).toEqual({ changed: false, status: "suspended" });
      expect(await setMarketStatus(db, market, "open", TOKEN, null)).toMatchObject({ changed: true, status: "open" });
      expect(await setMarketStatus(db, market, "open", TOKEN, null)).toEqual({ changed: false, status: "open" });
      const entries = await entriesOf(market);
      expect(entries.map((e) => ({ actor: e.actor, action: e.action, type: e.targetType, before: e.before, after: e.after }))).toEqual([
        {
          actor: admin.label,
          action: "market.status",
          type: "market",
          before: { status: "open", feedSuspendedAt: null },
          after: { status: "suspended", feedSuspendedAt: null },
        },
        {
          actor: "admin token",
          action: "market.status",
          type: "market",
          before: { status: "suspended", feedSuspendedAt: null },
          after: { status: "open", feedSuspendedAt: null },
        },
      ]);
    });

    it("an admin's suspension takes over one the feed made (so no producer reopens it), and says so in its entry", async () => {
      const market = (await boardEvent(1)).market("totals");
      const feedAt = new Date("2026-12-07T10:00:00.000Z");
      await db.market.update({ where: { id: market }, data: { status: "SUSPENDED", feedSuspendedAt: feedAt } });
      const done = await setMarketStatus(db, market, "suspended", admin, null);
      expect(done).toMatchObject({ changed: true, status: "suspended" });
      expect(await db.market.findUniqueOrThrow({ where: { id: market }, select: { status: true, feedSuspendedAt: true } })).toEqual({
        status: "SUSPENDED",
        feedSuspendedAt: null,
      });
      expect((await entriesOf(market)).map((e) => [e.before, e.after])).toEqual([
        [
          { status: "suspended", feedSuspendedAt: feedAt.toISOString() },
          { status: "suspended", feedSuspendedAt: null },
        ],
      ]);
    });

    it("two admins suspending the same market at once: one change, one entry", async () => {
      const market = (await boardEvent(1)).market("spreads");
      // Both requests queue on the market's lock before either reads it, so they really overlap.
      const both = await queuedBehind(`SELECT 1 FROM "Market" WHERE "id" = '${market}' FOR UPDATE`, 2, () =>
        Promise.all([setMarketStatus(db, market, "suspended", admin, null), setMarketStatus(db, market, "suspended", TOKEN, null)]),
      );
      expect(both.map((b) => typeof b !== "string" && "changed" in b && b.changed).sort()).toEqual([false, true]);
      expect(await entriesOf(market)).toHaveLength(1);
    });

    it("a change queued behind a settlement's long hold on the market waits for it, rather than failing as if Postgres were down", async () => {
      const market = (await boardEvent(6)).market("h2h");
      // Held past Prisma's default transaction timeout (5 s); a settlement may hold it for up to 30 s.
      const change = await queuedBehind(
        `SELECT 1 FROM "Market" WHERE "id" = '${market}' FOR UPDATE`,
        1,
        () => setMarketStatus(db, market, "suspended", admin, null),
        6_000,
      );
      expect(change).toMatchObject({ changed: true, status: "suspended" });
      expect(await entriesOf(market)).toHaveLength(1);
    });

    it("no such market, a market of an event that is over, or a failing entry: no change and no entry", async () => {
      const over = await boardEvent(2);
      await setResult(db, over.id, { home: 1, away: 0 }, TOKEN);
      const count = await entryCount();
      expect(await setMarketStatus(db, randomUUID(), "suspended", admin, null)).toBe("not_found");
      expect(await setMarketStatus(db, over.market("h2h"), "suspended", admin, null)).toBe("not_on_board");
      expect(await setEventStatus(db, over.id, "suspended", admin)).toBe("not_on_board");
      expect(await setEventStatus(db, randomUUID(), "suspended", admin)).toBe("not_found");
      const market = (await boardEvent(3)).market("h2h");
      await expect(failingWrites("AuditEntry", "targetId", market, () => setMarketStatus(db, market, "suspended", admin, null))).rejects.toThrow(
        /forced failure/,
      );
      expect(await db.market.findUniqueOrThrow({ where: { id: market }, select: { status: true } })).toEqual({ status: "OPEN" });
      expect(await entryCount()).toBe(count);
    });

    it("a reopen the bet stop would undo is refused while no producer vouches for the in-play sport, leaving the market and the log as they were", async () => {
      const event = await db.event.findFirstOrThrow({
        where: { status: "ACTIVE", phase: "LIVE", sport: { not: null } },
        orderBy: { id: "asc" },
        select: { sport: true, markets: { select: { id: true, key: true } } },
      });
      const sport = event.sport ?? "";
      const marketOf = (key: string) => event.markets.find((m) => m.key === key)?.id ?? "";
      const fed = marketOf("h2h");
      const held = marketOf("totals");
      const feedAt = new Date("2026-12-07T10:00:00.000Z");
      await db.market.update({ where: { id: fed }, data: { status: "SUSPENDED", feedSuspendedAt: feedAt } });
      await db.market.update({ where: { id: held }, data: { status: "SUSPENDED", feedSuspendedAt: null } });
      // The record as the publisher writes it to Redis, read back the way the route reads it.
      const record = async (producer: TrustRecord["producer"], staleSports: Record<string, string>) => {
        const written: TrustRecord = { v: 1, at: Date.now(), instanceId: "test", publisher: { status: "ok", reason: null }, producer, staleSports };
        await client.set(KEYS.oddsTrust, JSON.stringify(written), "PX", 60_000);
        return readTrust(client);
      };
      const up = { name: "simulator", state: "up", reason: null, since: 0 } as const;
      const count = await entryCount();

      const stale = await record(up, { [sport]: "The simulator does not feed this sport" });
      expect(await setMarketStatus(db, fed, "open", admin, stale)).toEqual({
        reason: "sport_stale",
        why: "The simulator does not feed this sport",
        sport,
        byFeed: true,
      });
      expect(await setMarketStatus(db, held, "open", admin, stale)).toEqual({
        reason: "sport_stale",
        why: "The simulator does not feed this sport",
        sport,
        byFeed: false,
      });
      const down = await record({ ...up, state: "down", reason: "the simulator has not been heard from for 7 s" }, {});
      expect(await setMarketStatus(db, fed, "open", admin, down)).toMatchObject({
        reason: "producer_down",
        why: "the simulator has not been heard from for 7 s",
        byFeed: true,
      });
      expect(await db.market.findUniqueOrThrow({ where: { id: fed }, select: { status: true, feedSuspendedAt: true } })).toEqual({
        status: "SUSPENDED",
        feedSuspendedAt: feedAt,
      });
      expect(await entryCount()).toBe(count);

      // A prematch market is no bet stop's: reopened whatever the record says.
      const prematch = (await boardEvent(7)).market("h2h");
      await db.market.update({ where: { id: prematch }, data: { status: "SUSPENDED" } });
      expect(await setMarketStatus(db, prematch, "open", admin, down)).toMatchObject({ changed: true, status: "open" });
      // Vouched for again: the feed's stop is the admin's to lift.
      expect(await setMarketStatus(db, fed, "open", admin, await record(up, {}))).toMatchObject({ changed: true, status: "open" });
      expect(await db.market.findUniqueOrThrow({ where: { id: fed }, select: { status: true, feedSuspendedAt: true } })).toEqual({
        status: "OPEN",
        feedSuspendedAt: null,
      });
      expect(await entryCount()).toBe(count + 2);
    });

    it("an event: suspended and reopened, one entry each, none for a repeat or a failing entry", async () => {
      const event = await boardEvent(4);
      expect(await setEventStatus(db, event.id, "suspended", admin)).toMatchObject({ changed: true, status: "suspended" });
      expect(await setEventStatus(db, event.id, "suspended", admin)).toEqual({ changed: false, status: "suspended" });
      await expect(failingWrites("AuditEntry", "targetId", event.id, () => setEventStatus(db, event.id, "open", admin))).rejects.toThrow(/forced failure/);
      expect(await db.event.findUniqueOrThrow({ where: { id: event.id }, select: { status: true } })).toEqual({ status: "SUSPENDED" });
      expect(await setEventStatus(db, event.id, "open", TOKEN)).toMatchObject({ changed: true, status: "open" });
      expect((await entriesOf(event.id)).map((e) => ({ actorId: e.actorId, action: e.action, before: e.before, after: e.after }))).toEqual([
        { actorId: admin.id, action: "event.status", before: { status: "open" }, after: { status: "suspended" } },
        { actorId: null, action: "event.status", before: { status: "suspended" }, after: { status: "open" } },
      ]);
    });
  });

  describe("the publisher's control", () => {
    const decide = (state: "running" | "stopped", actor: AuditActor, intervalMs?: number) =>
      decideDesired(db, client, { state, intervalMs }, { updatedBy: "an admin account", actor }, RUNNING);

    it("start, stop and interval: one entry for each change, with the decision before and after; none for a repeat or a failing entry", async () => {
      expect(await decide("running", admin)).toEqual({ notice: null, auditId: null }); // what it follows by default anyway
      const stopped = await decide("stopped", admin);
      expect(stopped.notice?.kind).toBe("publisher_stopped");
      expect(await decide("stopped", TOKEN)).toEqual({ notice: null, auditId: null });
      await expect(failingWrites("AuditEntry", "targetId", "publisher", () => decide("running", TOKEN, 250))).rejects.toThrow(/forced failure/);
      expect(await readDesired(db)).toMatchObject({ state: "stopped", intervalMs: 500 }); // the failed start did not stand
      const started = await decide("running", TOKEN, 250);
      const interval = await decide("running", admin, 100);
      expect(await decide("running", admin, 100)).toEqual({ notice: null, auditId: null });
      const entries = await entriesOf("publisher");
      expect(entries.map((e) => e.id.toString())).toEqual([stopped.auditId, started.auditId, interval.auditId]);
      expect(entries.map((e) => ({ actor: e.actor, action: e.action, type: e.targetType, before: e.before, after: e.after }))).toEqual([
        {
          actor: admin.label,
          action: "publisher.stop",
          type: "publisher",
          before: { state: "running", intervalMs: 500 },
          after: { state: "stopped", intervalMs: 500 },
        },
        {
          actor: "admin token",
          action: "publisher.start",
          type: "publisher",
          before: { state: "stopped", intervalMs: 500 },
          after: { state: "running", intervalMs: 250 },
        },
        {
          actor: admin.label,
          action: "publisher.interval",
          type: "publisher",
          before: { state: "running", intervalMs: 250 },
          after: { state: "running", intervalMs: 100 },
        },
      ]);
    });

    it("two stops at once: one of them changed it, one entry", async () => {
      expect(await readDesired(db)).toMatchObject({ state: "running" });
      const count = (await entriesOf("publisher")).length;
      // Both decisions queue on the decisions' lock before either reads the one recorded, so they really overlap.
      const both = await queuedBehind(`SELECT pg_advisory_xact_lock(hashtext('PublisherControl'))`, 2, () =>
        Promise.all([decide("stopped", admin), decide("stopped", TOKEN)]),
      );
      expect(both.filter((d) => d.auditId !== null)).toHaveLength(1);
      expect(await entriesOf("publisher")).toHaveLength(count + 1);
    });
  });

  describe("roles", () => {
    it("a change: one entry naming the account; the only admin account left keeps its role; two admins demoting each other at once leave one", async () => {
      const [a, b] = await Promise.all(["a", "b"].map((n) => signUp(db, { email: `${n}-${randomUUID()}@admin.test`, password: "long enough" }, 0, "admin")));
      if (!a || !b) throw new Error("no accounts");
      const bettor = await signUp(db, { email: `${randomUUID()}@bettor.test`, password: "long enough" }, 0);
      const promoted = await changeRole(db, TOKEN, bettor.id, "admin");
      expect(promoted).toMatchObject({ user: { id: bettor.id, email: bettor.email, role: "admin" }, changed: true, auditId: expect.stringMatching(/^\d+$/) });
      expect((await entriesOf(bettor.id)).map((e) => [e.action, e.before, e.after])).toEqual([
        ["user.role", { role: "user", email: bettor.email }, { role: "admin", email: bettor.email }],
      ]);

      // a and b are made the last two admin accounts; each demotes the other at the same moment.
      await db.user.updateMany({ where: { role: "ADMIN", id: { notIn: [a.id, b.id] } }, data: { role: "USER" } });
      const count = await entryCount();
      const both = await queuedBehind(`SELECT pg_advisory_xact_lock(hashtext('UserRole'))`, 2, () =>
        Promise.all([changeRole(db, { id: a.id, label: a.email }, b.id, "user"), changeRole(db, { id: b.id, label: b.email }, a.id, "user")]),
      );
      expect(both.filter((r) => r === "last_admin")).toHaveLength(1);
      expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
      expect(await entryCount()).toBe(count + 1);
      const last = await db.user.findFirstOrThrow({ where: { role: "ADMIN" }, select: { id: true } });
      expect(await changeRole(db, TOKEN, last.id, "user")).toBe("last_admin");
      expect(await changeRole(db, TOKEN, last.id, "admin")).toMatchObject({ changed: false, auditId: null });
      expect(await entryCount()).toBe(count + 1);
    });
  });

  it("deleting a chat message: one entry with the message before and who deleted it after; again, none", async () => {
    const event = await boardEvent(5);
    const author = await signUp(db, { email: `${randomUUID()}@chat.test`, password: "long enough", name: "Sam" }, 0);
    const message = await storeMessage(db, { eventId: event.id, userId: author.id, text: "spam" });
    if (message === "no_event") throw new Error("no event");
    await expect(
      failingWrites("AuditEntry", "targetId", message.id, () => deleteMessage(db, { eventId: event.id, messageId: message.id, actor: admin })),
    ).rejects.toThrow(/forced failure/);
    expect(await db.chatMessage.findUniqueOrThrow({ where: { id: message.id }, select: { deletedAt: true } })).toEqual({ deletedAt: null });
    const done = await deleteMessage(db, { eventId: event.id, messageId: message.id, actor: admin });
    if (done === "not_found") throw new Error("not deleted");
    expect(await deleteMessage(db, { eventId: event.id, messageId: message.id, actor: admin })).toBe("not_found");
    const entries = await entriesOf(message.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id: BigInt(done.auditId),
      actorId: admin.id,
      action: "chat.delete",
      targetType: "chat_message",
      before: { eventId: event.id, author: { id: author.id, name: "Sam" }, text: "spam", deletedAt: null },
      after: { deletedBy: admin.label },
    });
  });

  it("an entry's time is the database's: its transaction's start, in UTC whatever the session's time zone", async () => {
    const written = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL TIME ZONE 'America/New_York'`;
      const [clock] = await tx.$queryRaw<{ ms: number }[]>`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`;
      const id = await audit(tx, { actor: TOKEN, action: "market.status", target: { type: "market", id: randomUUID() }, before: null, after: null });
      const [row] = await tx.$queryRaw<
        { same: boolean }[]
      >`SELECT "at" = timezone('UTC', now())::timestamp(3) AS same FROM "AuditEntry" WHERE "id" = ${BigInt(id)}`;
      return { ms: clock?.ms ?? 0, id, same: row?.same };
    });
    expect(written.same).toBe(true);
    const [entry] = (await auditPage(db, { limit: 1, before: (BigInt(written.id) + 1n).toString() })).entries;
    expect(entry?.id).toBe(written.id);
    // Read back as an instant, it is the transaction's start (Postgres keeps microseconds, the column milliseconds).
    expect(Math.abs(Date.parse(entry?.at ?? "") - written.ms)).toBeLessThanOrEqual(1);
  });

  describe("reading it back", () => {
    /** Seven entries about one market of its own, alternating two actions, oldest first. */
    async function history() {
      const target = randomUUID();
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        ids.push(
          await db.$transaction((tx) =>
            audit(tx, {
              actor: TOKEN,
              action: i % 2 === 0 ? "market.status" : "event.status",
              target: { type: "market", id: target },
              before: { n: i },
              after: null,
            }),
          ),
        );
      }
      return { target, ids };
    }

    it("pages newest first by id: `next` is the last id of a page, null once nothing older is left", async () => {
      const { target, ids } = await history();
      const page = (before?: string) => auditPage(db, { limit: 3, targetType: "market", targetId: target, before });
      const first = await page();
      expect(first.entries.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);
      expect(first.next).toBe(ids[4]);
      const second = await page(first.next ?? "");
      expect(second.entries.map((e) => e.id)).toEqual([ids[3], ids[2], ids[1]]);
      const last = await page(second.next ?? "");
      expect(last).toEqual({
        entries: [expect.objectContaining({ id: ids[0], before: { n: 0 }, after: null, actor: "admin token", actorId: null })],
        next: null,
      });
      // A page that ends exactly at the oldest entry says there is nothing older.
      expect((await auditPage(db, { limit: 7, targetType: "market", targetId: target })).next).toBeNull();
    });

    it("filters by action and by target, and the newest entries come first across the whole log", async () => {
      const { target, ids } = await history();
      const statuses = await auditPage(db, { limit: 50, action: "event.status", targetType: "market", targetId: target });
      expect(statuses.entries.map((e) => e.id)).toEqual([ids[5], ids[3], ids[1]]);
      expect(statuses.entries.every((e) => e.action === "event.status" && e.target.id === target)).toBe(true);
      const newest = await auditPage(db, { limit: 2 });
      expect(newest.entries.map((e) => e.id)).toEqual([ids[6], ids[5]]);
      const publisher = await auditPage(db, { limit: 50, targetType: "publisher" });
      expect(publisher.entries.length).toBeGreaterThan(0);
      expect(publisher.entries.every((e) => e.target.type === "publisher")).toBe(true);
    });
  });
});

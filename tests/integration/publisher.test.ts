import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { CHANNELS, KEYS, type OddsDeltaMessage } from "../../lib/protocol";
import { leaderInstance } from "../../lib/lease";
import { seedDemoData } from "../../prisma/seed";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { publisherEnv, startPublisher } from "../support/stack";

/** The lease the test publishers hold, ms. */
const LEASE_TTL_MS = Number(publisherEnv("", "").PUBLISHER_LEADER_TTL_MS);

/** Two publisher processes on one Postgres and one Redis: exactly one writes; a standby takes over. */
describe("publisher leadership", () => {
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let listener: Redis;
  const deltas: OddsDeltaMessage[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "leader");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer();
    client = new Redis(redis.url);
    listener = new Redis(redis.url);
    listener.on("message", (_channel: string, raw: string) => {
      const message = JSON.parse(raw) as OddsDeltaMessage;
      if (message.type === "odds:delta") deltas.push(message);
    });
    await listener.subscribe(CHANNELS.sportsOdds);
    for (const id of ["alpha", "beta"]) procs.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: id }));
  });

  afterAll(async () => {
    for (const proc of procs) await proc.stop();
    listener?.disconnect();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  beforeEach(() => logsOnFailure(onTestFailed, () => procs));

  const leader = async () => (await client.get(KEYS.publisherLeader))?.split("#")[0] ?? null;

  it("elects one leader; every change is published once, with consecutive seqs", async () => {
    await until(async () => (await leader()) !== null && Number(await client.get(KEYS.sportSeq("icehockey_nhl"))) > 0);
    const first = await leader();
    expect(["alpha", "beta"]).toContain(first);
    const standby = procs.find((p) => !p.name.includes(first ?? "?"));
    expect(standby?.output()).not.toContain("became the leader");

    const events = await db.event.findMany({ where: { sport: "icehockey_nhl" }, select: { id: true }, take: 5 });
    for (const [i, event] of events.entries()) {
      await db.event.update({ where: { id: event.id }, data: { homeScore: 10 + i, awayScore: 0 } });
    }
    await until(
      async () =>
        scoresSeen(
          deltas,
          events.map((e) => e.id),
        ) === events.length,
    );
    const nhl = deltas.filter((d) => d.sport === "icehockey_nhl");
    expect(nhl.map((d) => d.seq)).toEqual(nhl.map((_, i) => (nhl[0]?.seq ?? 0) + i));
    for (const event of events) {
      expect(nhl.filter((d) => d.changes.some((c) => c.eventId === event.id && c.path.startsWith("score"))).length).toBe(1);
    }
  });

  it("fails over to the standby when the leader dies, and seq continues without a gap", async () => {
    const before = await leader();
    const dying = procs.find((p) => p.name.includes(before ?? "?"));
    const survivor = procs.find((p) => p !== dying);
    const seqBefore = Number(await client.get(KEYS.sportSeq("icehockey_nhl")));
    const deadToken = await client.get(KEYS.publisherLeader);
    await dying?.kill(); // SIGKILL: no chance to release the lease
    // The takeover needs nothing but the dead leader's lease running out: that lease only counts
    // down from at most one TTL (nobody renews it), and the next holder is the standby.
    const lease = await leaseUntilTakenOver(client, deadToken);
    const deadLeftMs = lease.filter((read) => read.token === deadToken).map((read) => read.leftMs);
    expect(deadLeftMs).toEqual([...deadLeftMs].sort((a, b) => b - a));
    for (const left of deadLeftMs) expect(left).toBeLessThanOrEqual(LEASE_TTL_MS);
    const holders = lease.map((read) => read.token).filter((token) => token !== null && token !== deadToken);
    expect(holders.map(leaderInstance)).toEqual([["alpha", "beta"].find((id) => id !== before)]);
    expect(survivor?.output()).toContain("became the leader");

    const event = await db.event.findFirstOrThrow({ where: { sport: "icehockey_nhl", status: "ACTIVE" }, select: { id: true } });
    await db.event.update({ where: { id: event.id }, data: { homeScore: 99, awayScore: 0 } }); // both: a half score publishes as no score
    await until(async () => deltas.some((d) => d.changes.some((c) => c.eventId === event.id && homeScore(c) === 99)));
    const after = deltas.filter((d) => d.sport === "icehockey_nhl" && d.seq > seqBefore);
    expect(after.map((d) => d.seq)).toEqual(after.map((_, i) => seqBefore + 1 + i));
  });

  it("hands over at once on a clean shutdown (the lease is released)", async () => {
    const current = await leader();
    const leaving = procs.find((p) => p.name.includes(current ?? "?") && p.child.exitCode === null);
    procs.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "gamma" }));
    expect(await leaving?.stop()).toBe(0);
    await until(async () => (await leader()) === "gamma", 5_000);
  });
});

function scoresSeen(deltas: OddsDeltaMessage[], ids: string[]): number {
  return ids.filter((id) => deltas.some((d) => d.changes.some((c) => c.eventId === id && c.path.startsWith("score")))).length;
}

/** The home score a change sets, whether it replaced the whole score (null before) or one side. */
function homeScore(change: { path: string; value: unknown }): number | null {
  if (change.path === "score.home") return change.value as number;
  if (change.path === "score") return (change.value as { home: number } | null)?.home ?? null;
  return null;
}

/** The leader lease, read every 50 ms as its holder and the ms it has left (one step), until a holder other than `from` has it. */
async function leaseUntilTakenOver(redis: Redis, from: string | null, timeoutMs = 15_000): Promise<{ token: string | null; leftMs: number }[]> {
  const reads: { token: string | null; leftMs: number }[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies = await redis.multi().get(KEYS.publisherLeader).pttl(KEYS.publisherLeader).exec();
    const read = { token: (replies?.[0]?.[1] ?? null) as string | null, leftMs: Number(replies?.[1]?.[1]) };
    reads.push(read);
    if (read.token !== null && read.token !== from) return reads;
    if (Date.now() > deadline) throw new Error("no standby took the lease over in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

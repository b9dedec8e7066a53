import { audit } from "../audit";
import type { Db, Tx } from "../db";
import type { AuditAction } from "../protocol/audit";
import {
  type BetBlock,
  LIMIT_PERIODS,
  type LimitChange,
  type LimitPeriod,
  type LimitsView,
  PERIOD_MS,
  type StakeLimitState,
  type StakedByPeriod,
  addMonths,
  blockInForce,
  limitInForce,
  requestBlock,
  requestLimit,
} from "./bettor-limits";
import { fromCents, toAmount, toCents } from "./money";
import type { SessionUser } from "./sessions";

/**
 * The limits a bettor sets on themself, in Postgres (docs/limits.md): stake limits in
 * `StakeLimit`, a time-out or self-exclusion and the reality check's minutes on `User`. Every
 * change locks the account's row, as a bet's decision does, so a bet is decided either wholly
 * before a change or wholly after it, and leaves one audit entry in the same transaction.
 */

const PERIOD_COLUMN: Record<LimitPeriod, "DAY" | "WEEK" | "MONTH"> = { day: "DAY", week: "WEEK", month: "MONTH" };
const periodOf = (column: string) => (column === "DAY" ? "day" : column === "WEEK" ? "week" : "month") as LimitPeriod;

/** What the bets of one account are held to: each window's limit in force and what was staked in it (cents). */
export interface StakeRule {
  limits: Record<LimitPeriod, number | null>;
  staked: StakedByPeriod;
}

type Stored = Record<LimitPeriod, StakeLimitState | null>;

/** The stake limits stored for each of `userIds` that has any, by window (null: none set for it). */
async function storedLimitsOf(db: Db | Tx, userIds: string[]): Promise<Map<string, Stored>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ userId: string; period: string; amount: string | null; pendingAmount: string | null; pendingFrom: Date | null }[]>`
    SELECT "userId"::text AS "userId", "period"::text AS period, "amount"::text AS amount, "pendingAmount"::text AS "pendingAmount", "pendingFrom"
    FROM "StakeLimit" WHERE "userId" = ANY(${userIds}::uuid[])`;
  const stored = new Map<string, Stored>();
  for (const row of rows) {
    const limits = stored.get(row.userId) ?? { day: null, week: null, month: null };
    limits[periodOf(row.period)] = stateOf(row);
    stored.set(row.userId, limits);
  }
  return stored;
}

/** What each of `userIds` staked in every window up to `now`, in cents (bets not voided). */
async function stakedOf(db: Db | Tx, userIds: string[], now: Date): Promise<Map<string, StakedByPeriod>> {
  if (userIds.length === 0) return new Map();
  const since = (period: LimitPeriod) => new Date(now.getTime() - PERIOD_MS[period]);
  const sums = await db.$queryRaw<{ userId: string; day: string; week: string; month: string }[]>`
    SELECT "userId",
           coalesce(sum("stake") FILTER (WHERE "createdAt" > ${since("day")}), 0)::text AS day,
           coalesce(sum("stake") FILTER (WHERE "createdAt" > ${since("week")}), 0)::text AS week,
           coalesce(sum("stake"), 0)::text AS month
    FROM "Bet"
    WHERE "userId" = ANY(${userIds}::text[]) AND "createdAt" > ${since("month")} AND "status" <> 'VOID'
    GROUP BY "userId"`;
  return new Map(sums.map((sum) => [sum.userId, { day: toCents(toAmount(sum.day)), week: toCents(toAmount(sum.week)), month: toCents(toAmount(sum.month)) }]));
}

const NOTHING_STAKED: StakedByPeriod = { day: 0, week: 0, month: 0 };

/**
 * The stake rules of the accounts among `userIds` that have any limit set: their limits in force at
 * `now`, and what each staked in every window up to `now` (bets not voided).
 */
export async function stakeRulesOf(db: Db | Tx, userIds: string[], now: Date): Promise<Map<string, StakeRule>> {
  const stored = await storedLimitsOf(db, userIds);
  const staked = await stakedOf(db, [...stored.keys()], now);
  const inForce = (state: StakeLimitState | null) => (state ? limitInForce(state, now) : null);
  return new Map(
    [...stored].map(([userId, limits]) => [
      userId,
      { limits: { day: inForce(limits.day), week: inForce(limits.week), month: inForce(limits.month) }, staked: staked.get(userId) ?? NOTHING_STAKED },
    ]),
  );
}

/** The account's time-out or self-exclusion as stored, whether or not it still holds. */
function blockOf(row: { betsBlockedUntil: Date | null; betsBlockKind: string | null }): BetBlock | null {
  if (!row.betsBlockedUntil || !row.betsBlockKind) return null;
  return { kind: row.betsBlockKind === "TIME_OUT" ? "time_out" : "self_exclusion", until: row.betsBlockedUntil };
}

/** What the account's bets are refused for at `now`, if anything: read with the account's row. */
export function blockFromRow(row: { betsBlockedUntil: Date | null; betsBlockKind: string | null }, now: Date): BetBlock | null {
  return blockInForce(blockOf(row), now);
}

/**
 * The account's own limits at `now`, read without locks (an in-play bet's check before its delay;
 * the decision reads them again under the account's lock): its time-out or self-exclusion, and its
 * stake rule when it has any limit set.
 */
export async function ownLimitsOf(db: Db | Tx, userId: string, now: Date): Promise<{ block: BetBlock | null; rule: StakeRule | undefined }> {
  const [user, rules] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { betsBlockedUntil: true, betsBlockKind: true } }),
    stakeRulesOf(db, [userId], now),
  ]);
  return { block: user ? blockFromRow(user, now) : null, rule: rules.get(userId) };
}

/** GET /api/account/limits: the account's limits at `now`, and the session `sessionId` so far. */
export async function readLimits(db: Db | Tx, userId: string, sessionId: string, now: Date): Promise<LimitsView> {
  const [user, stored, staked, session] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { betsBlockedUntil: true, betsBlockKind: true, realityCheckMinutes: true } }),
    storedLimitsOf(db, [userId]),
    stakedOf(db, [userId], now),
    db.session.findUnique({ where: { id: sessionId }, select: { createdAt: true } }),
  ]);
  const startedAt = session?.createdAt ?? now;
  const [sessionStaked, sessionReturned] = await Promise.all([
    db.bet.aggregate({ where: { userId, createdAt: { gte: startedAt } }, _sum: { stake: true } }),
    db.bet.aggregate({ where: { userId, settledAt: { gte: startedAt } }, _sum: { payout: true } }),
  ]);
  const limits = stored.get(userId);
  const windows = staked.get(userId) ?? NOTHING_STAKED;
  const stake = Object.fromEntries(
    LIMIT_PERIODS.map((period) => {
      const state = limits?.[period] ?? null;
      const pending =
        state?.pendingFrom && state.pendingFrom.getTime() > now.getTime() ? { amount: state.pendingAmount, from: state.pendingFrom.toISOString() } : null;
      return [period, { amount: state ? limitInForce(state, now) : null, pending, staked: fromCents(windows[period]) }];
    }),
  ) as LimitsView["stake"];
  const block = blockInForce(blockOf(user), now);
  return {
    stake,
    block: block ? { kind: block.kind, until: block.until.toISOString() } : null,
    realityCheckMinutes: user.realityCheckMinutes,
    session: {
      startedAt: startedAt.toISOString(),
      staked: toAmount(sessionStaked._sum.stake ?? 0),
      returned: toAmount(sessionReturned._sum.payout ?? 0),
    },
  };
}

function stateOf(row: { amount: { toString(): string } | null; pendingAmount: { toString(): string } | null; pendingFrom: Date | null }): StakeLimitState {
  return {
    amount: row.amount === null ? null : toAmount(row.amount),
    pendingAmount: row.pendingAmount === null ? null : toAmount(row.pendingAmount),
    pendingFrom: row.pendingFrom,
  };
}

const ACTIONS: Record<LimitChange["kind"], AuditAction> = {
  stake: "limits.stake",
  time_out: "limits.time_out",
  self_exclusion: "limits.self_exclusion",
  reality_check: "limits.reality_check",
};

/**
 * Applies the bettor's `change` at `now` under the account's row lock, with its audit entry
 * (before and after), in one transaction. A change that changes nothing (a time-out shorter than
 * the one that holds, the limit already in force) writes no entry.
 */
export async function changeLimits(db: Db, user: SessionUser, change: LimitChange, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${user.id}::uuid FOR UPDATE`;
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { betsBlockedUntil: true, betsBlockKind: true, realityCheckMinutes: true } });
    const written = await apply(tx, user.id, row, change, now);
    if (!written) return;
    await audit(tx, {
      actor: { id: user.id, label: user.email },
      action: ACTIONS[change.kind],
      target: { type: "user", id: user.id },
      before: written.before,
      after: written.after,
    });
  });
}

type UserRow = { betsBlockedUntil: Date | null; betsBlockKind: "TIME_OUT" | "SELF_EXCLUSION" | null; realityCheckMinutes: number | null };
type Written = { before: Record<string, unknown>; after: Record<string, unknown> } | null;

async function apply(tx: Tx, userId: string, row: UserRow, change: LimitChange, now: Date): Promise<Written> {
  switch (change.kind) {
    case "stake": {
      const period = PERIOD_COLUMN[change.period];
      const stored = await tx.stakeLimit.findUnique({ where: { userId_period: { userId, period } } });
      const before = stored ? stateOf(stored) : { amount: null, pendingAmount: null, pendingFrom: null };
      const after = requestLimit(before, change.amount, now);
      if (sameLimit(before, after)) return null;
      await tx.stakeLimit.upsert({ where: { userId_period: { userId, period } }, create: { userId, period, ...after }, update: after });
      return { before: { period: change.period, ...limitJson(before) }, after: { period: change.period, ...limitJson(after) } };
    }
    case "time_out":
    case "self_exclusion": {
      const until = change.kind === "time_out" ? new Date(now.getTime() + change.days * 86_400_000) : addMonths(now, change.months);
      const before = blockInForce(blockOf(row), now);
      const after = requestBlock(before, { kind: change.kind, until }, now);
      if (before && before.kind === after.kind && before.until.getTime() === after.until.getTime()) return null;
      await tx.user.update({
        where: { id: userId },
        data: { betsBlockedUntil: after.until, betsBlockKind: after.kind === "time_out" ? "TIME_OUT" : "SELF_EXCLUSION" },
      });
      return { before: blockJson(before), after: blockJson(after) };
    }
    case "reality_check": {
      if (row.realityCheckMinutes === change.minutes) return null;
      await tx.user.update({ where: { id: userId }, data: { realityCheckMinutes: change.minutes } });
      return { before: { realityCheckMinutes: row.realityCheckMinutes }, after: { realityCheckMinutes: change.minutes } };
    }
  }
}

const sameLimit = (a: StakeLimitState, b: StakeLimitState) =>
  a.amount === b.amount && a.pendingAmount === b.pendingAmount && (a.pendingFrom?.getTime() ?? null) === (b.pendingFrom?.getTime() ?? null);

const limitJson = (state: StakeLimitState) => ({
  amount: state.amount,
  pendingAmount: state.pendingAmount,
  pendingFrom: state.pendingFrom?.toISOString() ?? null,
});

const blockJson = (block: BetBlock | null) => ({ block: block ? { kind: block.kind, until: block.until.toISOString() } : null });

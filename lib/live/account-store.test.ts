import { describe, expect, it, vi } from "vitest";
import type { BetView, UserUpdate } from "../protocol";
import { AccountStore } from "./account-store";

const account = { id: "u1", email: "a@b.test", role: "user" as const, balance: 1000, balanceEntry: 1 };
const bet = (id: string, status: BetView["status"], placedAt = "2026-11-24T10:00:00.000Z"): BetView => ({
  id,
  eventId: "e1",
  event: "A vs B",
  market: "h2h",
  outcome: "home",
  selection: "A",
  point: null,
  stake: 10,
  price: 2,
  potentialReturn: 20,
  status,
  placedAt,
  settledAt: status === "open" ? null : placedAt,
  payout: status === "won" ? 20 : null,
  voidReason: null,
});
const update = (kind: "bet_accepted" | "bet_settled", b: BetView, balance: number, balanceEntry: number, userId = "u1"): UserUpdate => ({
  kind,
  userId,
  bet: b,
  balance,
  balanceEntry,
  ts: 0,
});

describe("AccountStore", () => {
  it("keeps the newest balance and the settled view of a bet, in whatever order updates arrive", () => {
    const store = new AccountStore();
    const heard = vi.fn();
    store.subscribe(heard);
    store.set(account, []);
    store.apply(update("bet_settled", bet("b1", "won"), 1010, 3)); // settlement overtook the acceptance
    store.apply(update("bet_accepted", bet("b1", "open"), 990, 2));
    expect(store.current().account?.balance).toBe(1010);
    expect(store.current().bets.map((b) => b.status)).toEqual(["won"]);
    expect(heard).toHaveBeenCalledTimes(3);
  });

  it("ignores another bettor's updates, and everything while signed out", () => {
    const store = new AccountStore();
    store.apply(update("bet_accepted", bet("b1", "open"), 990, 2));
    expect(store.current()).toEqual({ account: null, bets: [] });
    store.set(account, []);
    store.apply(update("bet_accepted", bet("b2", "open"), 5, 9, "someone-else"));
    expect(store.current()).toEqual({ account, bets: [] });
  });

  it("lists bets newest first", () => {
    const store = new AccountStore();
    store.set(account, [bet("old", "lost", "2026-11-24T09:00:00.000Z")]);
    store.apply(update("bet_accepted", bet("new", "open", "2026-11-24T11:00:00.000Z"), 990, 2));
    expect(store.current().bets.map((b) => b.id)).toEqual(["new", "old"]);
  });

  it("a reload that answers late keeps the newer balance and the settled bets", () => {
    const store = new AccountStore();
    store.set(account, [bet("b1", "open")]);
    store.apply(update("bet_settled", bet("b1", "won"), 1020, 5));
    store.set({ ...account, balance: 990, balanceEntry: 4 }, [bet("b1", "open"), bet("b2", "open", "2026-11-24T11:00:00.000Z")]);
    expect(store.current().account).toMatchObject({ balance: 1020, balanceEntry: 5 });
    expect(store.current().bets.map((b) => `${b.id}:${b.status}`)).toEqual(["b2:open", "b1:won"]);
    store.set({ ...account, id: "u2" }, []); // another account: replaced whole
    expect(store.current()).toEqual({ account: { ...account, id: "u2" }, bets: [] });
  });
});

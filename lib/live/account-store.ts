import type { BetView, UserUpdate } from "../protocol";

/** The signed-in bettor as the page holds it. */
export interface Account {
  id: string;
  email: string;
  role: "user" | "admin";
  balance: number;
  /** The ledger entry `balance` stands after: a balance with a lower one is older. */
  balanceEntry: number;
}

export interface AccountState {
  account: Account | null;
  /** Newest first. */
  bets: BetView[];
}

/**
 * The bettor's account and bets in the browser: loaded from the account routes, then kept current
 * by `user:update` messages, which every open tab of the bettor receives. Snapshots are replaced,
 * never mutated, so React can compare by reference.
 */
export class AccountStore {
  private state: AccountState = { account: null, bets: [] };
  private readonly listeners = new Set<() => void>();

  current(): AccountState {
    return this.state;
  }

  /**
   * After sign-in, sign-out or a reload from the routes. A reload of the same account may answer
   * after newer updates arrived: the newer balance and the settled views of bets are kept.
   */
  set(account: Account | null, bets: BetView[] = []): void {
    const held = this.state;
    if (!account || !held.account || held.account.id !== account.id) {
      this.replace({ account, bets: account ? bets : [] });
      return;
    }
    const newer =
      account.balanceEntry >= held.account.balanceEntry ? account : { ...account, balance: held.account.balance, balanceEntry: held.account.balanceEntry };
    this.replace({ account: newer, bets: [...held.bets, ...bets].reduce(withBet, [] as BetView[]) });
  }

  /**
   * A personal update (from the relay, or a route's answer): the bet it is about, and its balance
   * unless a newer one is held. Updates may arrive in any order; the ledger entry orders balances,
   * and a settled bet is never replaced by its older, open view.
   */
  apply(update: UserUpdate): void {
    const { account, bets } = this.state;
    if (!account || update.userId !== account.id) return;
    const newer = update.balanceEntry >= account.balanceEntry;
    const next = { account: newer ? { ...account, balance: update.balance, balanceEntry: update.balanceEntry } : account, bets };
    if (update.kind !== "balance") next.bets = withBet(bets, update.bet);
    this.replace(next);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replace(state: AccountState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

/** `bets` with `bet` in place (newest first), unless the held view of it is already settled. */
function withBet(bets: BetView[], bet: BetView): BetView[] {
  const held = bets.find((b) => b.id === bet.id);
  if (held && held.status !== "open" && bet.status === "open") return bets;
  return [bet, ...bets.filter((b) => b.id !== bet.id)].sort((a, b) => b.placedAt.localeCompare(a.placedAt));
}

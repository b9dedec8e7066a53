import { accountOf } from "@/lib/accounts/accounts";
import { type InPlayDelays, inPlayDelaysOf } from "@/lib/bets/in-play-delay";
import { listBets } from "@/lib/bets/views";
import { env } from "@/lib/env";
import type { Account } from "@/lib/live/account-store";
import type { BetView } from "@/lib/protocol";
import type { RelayLocation } from "../sports/relay-address";
import { services } from "./services";
import { currentUser } from "./session";

/** The signed-in bettor and their bets, for a live page's first render (signed out, or unreadable: none). */
export async function bettorOf(): Promise<{ account: Account | null; bets: BetView[] }> {
  try {
    const user = await currentUser();
    if (!user) return { account: null, bets: [] };
    const { db } = services();
    const [account, bets] = await Promise.all([accountOf(db, user), listBets(db, user.id)]);
    return { account, bets };
  } catch {
    return { account: null, bets: [] };
  }
}

/** How long in-play bets wait, by sport, as this server is configured: the bet slip says so before a bet. */
export function delaysOf(): InPlayDelays {
  return inPlayDelaysOf(env());
}

/** Where a live page's browser finds the relay: the configured public URL, else its port on the page's own host. */
export function relayOf(): RelayLocation {
  return { url: env().RELAY_PUBLIC_URL ?? null, port: env().RELAY_PORT };
}

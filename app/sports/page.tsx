import { type OddsSnapshot, type SportListing, type SportsSummary, readSnapshot, readSummary } from "@/lib/protocol";
import { services } from "../_lib/services";
import { bettorOf, delaysOf, relayOf } from "../_lib/live-page";
import { listSports } from "../_lib/sports";
import { SportsBoard } from "./sports-board";

export const dynamic = "force-dynamic";

/**
 * /sports?sport=KEY — rendered on the server from the canonical snapshot in Redis, so prices show
 * before the socket connects; the board then follows the relay live.
 */
export default async function SportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const requested = typeof params.sport === "string" ? params.sport : null;
  const { db, redis } = services();
  let sports: SportListing[] = [];
  let problem: string | null = null;
  try {
    sports = await listSports(db);
  } catch {
    problem = "The list of sports is unavailable right now. Live prices will appear when the server recovers.";
  }
  const known = sports.find((sport) => sport.key === requested);
  const selected = known ?? sports.find((sport) => sport.activeEvents > 0) ?? sports[0] ?? null;
  const notice = requested && !known && selected ? `There is no sport “${requested}”. Showing ${selected.title} instead.` : null;
  let snapshot: OddsSnapshot | null = null;
  let summary: SportsSummary | null = null;
  if (selected) {
    try {
      [snapshot, summary] = await Promise.all([readSnapshot(redis, selected.key), readSummary(redis)]);
    } catch {
      problem ??= "Prices could not be loaded from the server; waiting for the live connection.";
    }
  }
  const { account, bets } = await bettorOf();
  return (
    <SportsBoard
      sports={sports}
      initialSport={selected?.key ?? null}
      initialSnapshot={snapshot}
      initialSummary={summary}
      initialAccount={account}
      initialBets={bets}
      relay={relayOf()}
      delays={delaysOf()}
      notice={notice}
      problem={problem}
    />
  );
}

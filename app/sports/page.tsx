import { noteDegradedRender } from "@/lib/board-page-cache";
import type { OddsSnapshot, SportListing, SportsSummary } from "@/lib/protocol";
import { services } from "../_lib/services";
import { bettorOf, delaysOf, relayOf } from "../_lib/live-page";
import { snapshotOf } from "../_lib/snapshots";
import { listSports } from "../_lib/sports";
import { SportsBoard } from "./sports-board";

export const dynamic = "force-dynamic";

/**
 * /sports?sport=KEY — rendered on the server from the canonical snapshot in Redis, so prices show
 * before the socket connects; the board then follows the relay live. The sports, their counts and
 * the summary come from Redis too (app/_lib/sports.ts): a signed-out render reads no Postgres.
 */
export default async function SportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const requested = typeof params.sport === "string" ? params.sport : null;
  const { db, redis } = services();
  let sports: SportListing[] = [];
  let summary: SportsSummary | null = null;
  let problem: string | null = null;
  try {
    ({ sports, summary } = await listSports(db, redis));
  } catch {
    problem = "The list of sports is unavailable right now. Live prices will appear when the server recovers.";
  }
  const known = sports.find((sport) => sport.key === requested);
  const selected = known ?? sports.find((sport) => sport.activeEvents > 0) ?? sports[0] ?? null;
  const notice = requested && !known && selected ? `There is no sport “${requested}”. Showing ${selected.title} instead.` : null;
  let snapshot: OddsSnapshot | null = null;
  if (selected) {
    try {
      snapshot = await snapshotOf(redis, selected.key);
    } catch {
      problem ??= "Prices could not be loaded from the server; waiting for the live connection.";
    }
  }
  if (problem) noteDegradedRender();
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

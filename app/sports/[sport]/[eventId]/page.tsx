import { notFound } from "next/navigation";
import { type EventDetail, ID_PATTERN, type OddsSnapshot, SPORT_KEY_PATTERN } from "@/lib/protocol";
import { readEventDetail } from "@/app/_lib/event-detail";
import { services } from "@/app/_lib/services";
import { snapshotOf } from "@/app/_lib/snapshots";
import { listSports } from "@/app/_lib/sports";
import { bettorOf, delaysOf, relayOf } from "@/app/_lib/live-page";
import { EventView } from "./event-view";

export const dynamic = "force-dynamic";

/**
 * /sports/<sport>/<eventId>: one event, shareable. Rendered on the server from the canonical
 * snapshot, so the prices show before the socket connects; then it follows the relay live. Books,
 * history and the sport's title come from Redis as well (docs/http.md, "Where reads come from").
 */
export default async function EventPage({ params }: { params: Promise<{ sport: string; eventId: string }> }) {
  const { sport, eventId } = await params;
  if (!SPORT_KEY_PATTERN.test(sport) || !ID_PATTERN.test(eventId)) notFound();
  const { redis } = services();
  let snapshot: OddsSnapshot | null = null;
  let problem: string | null = null;
  try {
    snapshot = await snapshotOf(redis, sport);
  } catch {
    problem = "Prices could not be loaded from the server; waiting for the live connection.";
  }
  const event = snapshot?.events.find((e) => e.id === eventId) ?? null;
  if (snapshot && !event) notFound();
  let detail: EventDetail = { books: {}, history: [] };
  let sportTitle = sport;
  try {
    const { db } = services();
    const [read, listed] = await Promise.all([readEventDetail(db, redis, eventId), listSports(db, redis)]);
    detail = read ?? detail;
    sportTitle = listed.sports.find((entry) => entry.key === sport)?.title ?? sport;
  } catch {
    problem ??= "Bookmaker prices could not be loaded; they appear as they move.";
  }
  const { account, bets } = await bettorOf();
  return (
    <EventView
      sport={sport}
      sportTitle={sportTitle}
      eventId={eventId}
      initialSnapshot={snapshot}
      initialBooks={detail.books}
      initialHistory={detail.history}
      initialAccount={account}
      initialBets={bets}
      relay={relayOf()}
      delays={delaysOf()}
      problem={problem}
    />
  );
}

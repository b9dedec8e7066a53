import { notFound } from "next/navigation";
import { type EventDetail, ID_PATTERN, type OddsSnapshot, SPORT_KEY_PATTERN, readSnapshot } from "@/lib/protocol";
import { readEventDetail } from "@/app/_lib/event-detail";
import { services } from "@/app/_lib/services";
import { bettorOf, delaysOf, relayOf } from "@/app/_lib/live-page";
import { EventView } from "./event-view";

export const dynamic = "force-dynamic";

/**
 * /sports/<sport>/<eventId>: one event, shareable. Rendered on the server from the canonical
 * snapshot, so the prices show before the socket connects; then it follows the relay live.
 */
export default async function EventPage({ params }: { params: Promise<{ sport: string; eventId: string }> }) {
  const { sport, eventId } = await params;
  if (!SPORT_KEY_PATTERN.test(sport) || !ID_PATTERN.test(eventId)) notFound();
  const { redis } = services();
  let snapshot: OddsSnapshot | null = null;
  let problem: string | null = null;
  try {
    snapshot = await readSnapshot(redis, sport);
  } catch {
    problem = "Prices could not be loaded from the server; waiting for the live connection.";
  }
  const event = snapshot?.events.find((e) => e.id === eventId) ?? null;
  if (snapshot && !event) notFound();
  let detail: EventDetail = { books: {}, history: [] };
  let sportTitle = sport;
  try {
    const { db } = services();
    const [read, row] = await Promise.all([readEventDetail(db, redis, eventId), db.sport.findUnique({ where: { key: sport }, select: { title: true } })]);
    detail = read ?? detail;
    sportTitle = row?.title ?? sport;
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

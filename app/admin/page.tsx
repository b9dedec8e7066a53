import { forbidden } from "next/navigation";
import type { SessionUser } from "../../lib/accounts/sessions";
import { readOverview } from "../_lib/admin-overview";
import { relayOf } from "../_lib/live-page";
import { services } from "../_lib/services";
import { currentUser } from "../_lib/session";
import { AdminConsole } from "./admin-console";
import { AdminSignIn } from "./admin-sign-in";
import type { BoardEvent } from "./board-state";

export const dynamic = "force-dynamic";

/** How many open events the settle/void picker and the board's suspend/reopen list show (soonest first). */
const PICKER_EVENTS = 300;

/**
 * /admin, decided on the server: signed out → the sign-in form; signed in without the admin role
 * → 403 ("This page is for admins", forbidden.tsx); an admin → the console, rendered with a first
 * overview so it shows at once, then kept current by the browser.
 */
export default async function AdminPage() {
  let user: SessionUser | null;
  try {
    user = await currentUser();
  } catch {
    return (
      <main className="admin-console">
        <h1>Admin console</h1>
        <p className="notice problem">Accounts cannot be read right now (Postgres is unreachable). Try again shortly.</p>
      </main>
    );
  }
  if (!user) return <AdminSignIn />;
  if (user.role !== "admin") forbidden();
  const [overview, events] = await Promise.all([readOverview(), openEvents()]);
  return <AdminConsole email={user.email} initialOverview={overview} events={events} relay={relayOf()} />;
}

/** Events on the board (not over yet), with their markets on the board: an admin may suspend or reopen them, settle or void them. */
async function openEvents(): Promise<BoardEvent[]> {
  const rows = await services()
    .db.event.findMany({
      where: { status: { in: ["ACTIVE", "SUSPENDED"] } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      take: PICKER_EVENTS,
      select: {
        id: true,
        title: true,
        league: true,
        sport: true,
        startsAt: true,
        phase: true,
        status: true,
        markets: { where: { status: { in: ["OPEN", "SUSPENDED"] } }, orderBy: { key: "asc" }, select: { id: true, key: true, line: true, status: true, feedSuspendedAt: true } },
      },
    })
    .catch(() => []);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    league: row.league,
    sport: row.sport,
    startsAt: row.startsAt.toISOString(),
    live: row.phase === "LIVE",
    status: row.status === "SUSPENDED" ? "suspended" : "open",
    markets: row.markets.map((m) => ({ id: m.id, key: m.key, line: m.line, status: m.status === "SUSPENDED" ? "suspended" : "open", byFeed: m.status === "SUSPENDED" && m.feedSuspendedAt !== null })),
  }));
}

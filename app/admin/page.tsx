import { forbidden } from "next/navigation";
import type { SessionUser } from "../../lib/accounts/sessions";
import { readOverview } from "../_lib/admin-overview";
import { relayOf } from "../_lib/live-page";
import { services } from "../_lib/services";
import { currentUser } from "../_lib/session";
import { AdminConsole } from "./admin-console";
import { AdminSignIn } from "./admin-sign-in";
import type { PickableEvent } from "./event-settlement";

export const dynamic = "force-dynamic";

/** How many open events the settle/void picker lists (soonest first). */
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

/** Events not over yet, which an admin may settle or void. */
async function openEvents(): Promise<PickableEvent[]> {
  const rows = await services()
    .db.event.findMany({
      where: { status: { in: ["ACTIVE", "SUSPENDED"] } },
      orderBy: [{ startsAt: "asc" }],
      take: PICKER_EVENTS,
      select: { id: true, title: true, league: true, sport: true, startsAt: true, phase: true },
    })
    .catch(() => []);
  return rows.map((row) => ({ id: row.id, title: row.title, league: row.league, sport: row.sport, startsAt: row.startsAt.toISOString(), live: row.phase === "LIVE" }));
}

import { forbidden } from "next/navigation";
import type { SessionUser } from "@/lib/accounts/sessions";
import type { BoardEvent } from "@/lib/protocol/admin-board";
import { readBoard } from "../_lib/admin-board";
import { readOverview } from "../_lib/admin-overview";
import { relayOf } from "../_lib/live-page";
import { services } from "../_lib/services";
import { currentUser } from "../_lib/session";
import { AdminConsole } from "./admin-console";
import { AdminSignIn } from "./admin-sign-in";

export const dynamic = "force-dynamic";

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
  // Without Postgres the list starts empty; the overview still shows what it can.
  const [overview, events] = await Promise.all([readOverview(), readBoard(services().db).catch((): BoardEvent[] => [])]);
  return <AdminConsole email={user.email} initialOverview={overview} events={events} relay={relayOf()} />;
}

"use client";

import { useRouter } from "next/navigation";
import { AuthDialog } from "../sports/auth-dialog";

/** Signed out: the site's sign-in dialog; once signed in, the server decides again (console, or 403). */
export function AdminSignIn() {
  const router = useRouter();
  return (
    <main className="admin-console signed-out">
      <h1>Admin console</h1>
      <AuthDialog reason="Sign in with an admin account to open the console." onDone={() => router.refresh()} onClose={() => {}} />
    </main>
  );
}

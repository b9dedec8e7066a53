/** What a signed-in account that is not an admin sees at /admin (answered with HTTP 403). */
export default function AdminForbidden() {
  return (
    <main className="admin-console forbidden" data-testid="admin-forbidden">
      <h1>This page is for admins</h1>
      <p className="muted">
        You are signed in with an account that is not an admin. <a href="/sports">Back to the board</a>
      </p>
    </main>
  );
}

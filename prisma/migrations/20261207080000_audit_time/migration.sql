-- An audit entry's time is the database's: the start of the action's own transaction, in UTC
-- whatever the session's time zone (the column has no zone, and the app reads it as UTC). Set
-- here rather than by the client, so entries from any web host share one clock.
ALTER TABLE "AuditEntry" ALTER COLUMN "at" SET DEFAULT timezone('UTC'::text, now());

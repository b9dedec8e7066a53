-- When a market or an event last became SUSPENDED, by the database's own clock (docs/bets.md,
-- "In-play delay"). An in-play bet is decided after its delay only if neither its market nor its
-- event was suspended meanwhile, even for a moment: placement reads this value before the wait and
-- refuses when it changed. Set by a trigger, so every writer (admins, the liability limit, the
-- feed's bet stop, scripts) is covered without knowing about it. clock_timestamp(), not now(): a
-- long transaction's suspension must not be dated at its start. Stored in UTC like every
-- timestamp Prisma writes.
-- AlterTable
ALTER TABLE "Market" ADD COLUMN     "lastSuspendedAt" TIMESTAMP(3);
ALTER TABLE "Event" ADD COLUMN     "lastSuspendedAt" TIMESTAMP(3);

CREATE FUNCTION "stamp_suspension"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status"::text = 'SUSPENDED' AND (TG_OP = 'INSERT' OR OLD."status"::text IS DISTINCT FROM 'SUSPENDED') THEN
    NEW."lastSuspendedAt" := clock_timestamp() AT TIME ZONE 'UTC';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Market_stamp_suspension" BEFORE INSERT OR UPDATE OF "status" ON "Market"
  FOR EACH ROW EXECUTE FUNCTION "stamp_suspension"();
CREATE TRIGGER "Event_stamp_suspension" BEFORE INSERT OR UPDATE OF "status" ON "Event"
  FOR EACH ROW EXECUTE FUNCTION "stamp_suspension"();

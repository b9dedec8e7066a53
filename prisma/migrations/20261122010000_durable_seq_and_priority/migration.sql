-- CreateTable
CREATE TABLE "SportSeq" (
    "sport" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,

    CONSTRAINT "SportSeq_pkey" PRIMARY KEY ("sport")
);

-- Priority events (docs/publisher.md): an event going live, being suspended or ended, a score
-- change, a market suspended. NOTIFY is delivered when the writing transaction commits, so the
-- publisher ticks at once instead of waiting up to a whole interval. The payload is empty: the
-- tick drains the whole queue, and Postgres folds identical notifications of one transaction.

CREATE FUNCTION "odds_priority_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o ON o."id" = n."id"
    WHERE n."status" IS DISTINCT FROM o."status"
       OR n."phase" IS DISTINCT FROM o."phase"
       OR n."homeScore" IS DISTINCT FROM o."homeScore"
       OR n."awayScore" IS DISTINCT FROM o."awayScore"
  ) THEN
    PERFORM pg_notify('odds_priority', '');
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "odds_priority_market"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o ON o."id" = n."id"
    WHERE n."status" IS DISTINCT FROM o."status"
  ) THEN
    PERFORM pg_notify('odds_priority', '');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Event_priority" AFTER UPDATE ON "Event"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "odds_priority_event"();

CREATE TRIGGER "Market_priority" AFTER UPDATE ON "Market"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "odds_priority_market"();

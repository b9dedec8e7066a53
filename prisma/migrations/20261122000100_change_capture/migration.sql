-- Change capture for the odds publisher (docs/publisher.md).
--
-- Every committed write that can move an event's odds appends the event's id to "OddsChange".
-- The publisher drains that queue with DELETE ... RETURNING inside its tick transaction, so:
--   * a row becomes visible only when its writer commits, however long that writer ran,
--     so a late-committing transaction is picked up by the next tick instead of being skipped
--     (which a "changed since timestamp/id" cursor would do);
--   * a tick that fails (Redis down, leadership lost) rolls back and leaves the rows in place.
-- Statement-level triggers with transition tables keep bulk writes to one INSERT per statement.

CREATE FUNCTION "odds_capture_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId") SELECT DISTINCT r."id" FROM changed_rows r;
  RETURN NULL;
END $$;

CREATE FUNCTION "odds_capture_market"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId") SELECT DISTINCT r."eventId" FROM changed_rows r;
  RETURN NULL;
END $$;

CREATE FUNCTION "odds_capture_outcome"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId")
  SELECT DISTINCT m."eventId" FROM changed_rows r JOIN "Market" m ON m."id" = r."marketId";
  RETURN NULL;
END $$;

CREATE FUNCTION "odds_capture_book_price"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId")
  SELECT DISTINCT m."eventId"
  FROM changed_rows r
  JOIN "Outcome" o ON o."id" = r."outcomeId"
  JOIN "Market" m ON m."id" = o."marketId";
  RETURN NULL;
END $$;

-- A sport switched on or off shows or hides all of its events.
CREATE FUNCTION "odds_capture_sport"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId")
  SELECT e."id" FROM changed_rows r JOIN "Event" e ON e."sport" = r."key";
  RETURN NULL;
END $$;

CREATE TRIGGER "Event_capture_insert" AFTER INSERT ON "Event"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_event"();
CREATE TRIGGER "Event_capture_update" AFTER UPDATE ON "Event"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_event"();
CREATE TRIGGER "Event_capture_delete" AFTER DELETE ON "Event"
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_event"();

CREATE TRIGGER "Market_capture_insert" AFTER INSERT ON "Market"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_market"();
CREATE TRIGGER "Market_capture_update" AFTER UPDATE ON "Market"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_market"();
CREATE TRIGGER "Market_capture_delete" AFTER DELETE ON "Market"
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_market"();

CREATE TRIGGER "Outcome_capture_insert" AFTER INSERT ON "Outcome"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_outcome"();
CREATE TRIGGER "Outcome_capture_update" AFTER UPDATE ON "Outcome"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_outcome"();
CREATE TRIGGER "Outcome_capture_delete" AFTER DELETE ON "Outcome"
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_outcome"();

CREATE TRIGGER "BookPrice_capture_insert" AFTER INSERT ON "BookPrice"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_book_price"();
CREATE TRIGGER "BookPrice_capture_update" AFTER UPDATE ON "BookPrice"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_book_price"();
CREATE TRIGGER "BookPrice_capture_delete" AFTER DELETE ON "BookPrice"
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_book_price"();

CREATE TRIGGER "Sport_capture_update" AFTER UPDATE ON "Sport"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_sport"();

-- The pool: "Outcome"."stakeTotal" is the sum of OPEN stakes on the outcome. Keeping it here (not
-- in application code) makes it exact whoever writes bets, and its update is captured above.
CREATE FUNCTION "bet_pool_total"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."status" = 'OPEN' THEN
    UPDATE "Outcome" SET "stakeTotal" = "stakeTotal" - OLD."stake" WHERE "id" = OLD."outcomeId";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."status" = 'OPEN' THEN
    UPDATE "Outcome" SET "stakeTotal" = "stakeTotal" + NEW."stake" WHERE "id" = NEW."outcomeId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Bet_pool_total" AFTER INSERT OR UPDATE OF "status", "stake", "outcomeId" OR DELETE ON "Bet"
  FOR EACH ROW EXECUTE FUNCTION "bet_pool_total"();

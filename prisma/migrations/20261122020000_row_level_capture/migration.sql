-- AlterTable
ALTER TABLE "OddsChange" ADD COLUMN     "rowId" UUID,
ADD COLUMN     "rowKind" TEXT;

-- Row-level capture for the two hot paths (docs/data.md): a bookmaker moving a price, and a bet
-- moving an outcome's pool. When that is all that changed, the change names the row, and the
-- publisher patches its copy of the event instead of rereading it whole. Anything else (a moved
-- row, a renamed outcome, inserts, deletes, events, markets) still marks the whole event.
-- Updates that change nothing published (BookPrice."lastUpdate" alone) are no longer captured.

DROP TRIGGER "BookPrice_capture_update" ON "BookPrice";
DROP TRIGGER "Outcome_capture_update" ON "Outcome";

CREATE FUNCTION "odds_capture_book_price_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId", "rowKind", "rowId")
  SELECT m."eventId",
         CASE WHEN n."outcomeId" = o."outcomeId" AND n."bookmaker" = o."bookmaker" THEN 'price' END,
         n."id"
  FROM new_rows n
  JOIN old_rows o ON o."id" = n."id"
  JOIN "Outcome" oc ON oc."id" = n."outcomeId"
  JOIN "Market" m ON m."id" = oc."marketId"
  WHERE n."price" IS DISTINCT FROM o."price" OR n."outcomeId" <> o."outcomeId" OR n."bookmaker" <> o."bookmaker";
  -- A price moved to another outcome also changes the event it left.
  INSERT INTO "OddsChange" ("eventId")
  SELECT DISTINCT m."eventId"
  FROM new_rows n
  JOIN old_rows o ON o."id" = n."id"
  JOIN "Outcome" oc ON oc."id" = o."outcomeId"
  JOIN "Market" m ON m."id" = oc."marketId"
  WHERE n."outcomeId" <> o."outcomeId";
  RETURN NULL;
END $$;

CREATE FUNCTION "odds_capture_outcome_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OddsChange" ("eventId", "rowKind", "rowId")
  SELECT m."eventId",
         CASE WHEN n."marketId" = o."marketId" AND n."key" = o."key" AND n."name" = o."name"
                   AND n."point" IS NOT DISTINCT FROM o."point" THEN 'stake' END,
         n."id"
  FROM new_rows n
  JOIN old_rows o ON o."id" = n."id"
  JOIN "Market" m ON m."id" = n."marketId"
  WHERE n."stakeTotal" IS DISTINCT FROM o."stakeTotal" OR n."marketId" <> o."marketId" OR n."key" <> o."key"
     OR n."name" <> o."name" OR n."point" IS DISTINCT FROM o."point";
  INSERT INTO "OddsChange" ("eventId")
  SELECT DISTINCT m."eventId"
  FROM new_rows n
  JOIN old_rows o ON o."id" = n."id"
  JOIN "Market" m ON m."id" = o."marketId"
  WHERE n."marketId" <> o."marketId";
  RETURN NULL;
END $$;

CREATE TRIGGER "BookPrice_capture_update" AFTER UPDATE ON "BookPrice"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_book_price_update"();

CREATE TRIGGER "Outcome_capture_update" AFTER UPDATE ON "Outcome"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "odds_capture_outcome_update"();

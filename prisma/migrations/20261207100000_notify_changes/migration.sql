-- Publish on commit (docs/publisher.md, "When a step runs"). Every write that can move odds
-- appends to "OddsChange"; this trigger tells the publisher so at the writer's commit, so a change
-- goes out within milliseconds instead of waiting for the next interval. The payload is empty:
-- a step drains the whole queue, and Postgres folds identical notifications of one transaction
-- into one, so a transaction that writes a thousand rows still sends a single notification.

CREATE FUNCTION "odds_changed_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('odds_changed', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "OddsChange_notify" AFTER INSERT ON "OddsChange"
  FOR EACH STATEMENT EXECUTE FUNCTION "odds_changed_notify"();

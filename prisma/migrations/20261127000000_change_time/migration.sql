-- When each captured change was written: the start of the writer's transaction (now() in the
-- triggers' inserts), a lower bound of its commit. Deltas carry the earliest of their changes, so
-- pages and metrics report database → screen, not only publisher → screen.
-- AlterTable
ALTER TABLE "OddsChange" ADD COLUMN     "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

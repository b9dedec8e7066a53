-- A market the odds source suspended (bet stop: the source went quiet on an in-play event, or its
-- score changed) carries when it did so; the source reopens only those, once fresh prices for the
-- event arrived after that moment. Markets suspended by an admin or by the liability limit keep
-- NULL here and are never reopened by the source.
-- AlterTable
ALTER TABLE "Market" ADD COLUMN     "feedSuspendedAt" TIMESTAMP(3);

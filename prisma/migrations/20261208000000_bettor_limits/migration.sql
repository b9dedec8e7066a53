-- Limits a bettor sets on themself (docs/limits.md): stake limits per rolling day, week and month
-- (a lower one at once, a higher one 24 hours later), a time-out or a self-exclusion that refuses
-- bets until a time, and the minutes between reality checks.
CREATE TYPE "BetBlock" AS ENUM ('TIME_OUT', 'SELF_EXCLUSION');
CREATE TYPE "LimitPeriod" AS ENUM ('DAY', 'WEEK', 'MONTH');

ALTER TABLE "User" ADD COLUMN "betsBlockedUntil" TIMESTAMP(3),
ADD COLUMN "betsBlockKind" "BetBlock",
ADD COLUMN "realityCheckMinutes" INTEGER;

CREATE TABLE "StakeLimit" (
    "userId" UUID NOT NULL,
    "period" "LimitPeriod" NOT NULL,
    "amount" DECIMAL(14,2),
    "pendingAmount" DECIMAL(14,2),
    "pendingFrom" TIMESTAMP(3),

    CONSTRAINT "StakeLimit_pkey" PRIMARY KEY ("userId","period")
);

ALTER TABLE "StakeLimit" ADD CONSTRAINT "StakeLimit_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A stake limit sums the bettor's stakes over the last 30 days at most.
DROP INDEX "Bet_userId_idx";
CREATE INDEX "Bet_userId_createdAt_idx" ON "Bet"("userId", "createdAt");

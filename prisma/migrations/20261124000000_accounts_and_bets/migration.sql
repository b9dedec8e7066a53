-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('DEPOSIT', 'STAKE', 'PAYOUT', 'REFUND', 'ADJUSTMENT');

-- AlterTable
ALTER TABLE "Outcome" ADD COLUMN     "payoutTotal" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Bet" ADD COLUMN     "payout" DECIMAL(14,2),
ADD COLUMN     "point" DOUBLE PRECISION,
ADD COLUMN     "settledAt" TIMESTAMP(3),
ADD COLUMN     "voidReason" TEXT;

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "balance" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "userId" UUID NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "balance" DECIMAL(14,2) NOT NULL,
    "betId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotentRequest" (
    "userId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotentRequest_pkey" PRIMARY KEY ("userId","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "LedgerEntry_userId_id_idx" ON "LedgerEntry"("userId", "id");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A balance never goes below zero, whatever writes it (schema.prisma cannot express checks).
ALTER TABLE "User" ADD CONSTRAINT "User_balance_not_negative" CHECK ("balance" >= 0);

-- What a winning bet pays back, stake included, to the cent and rounded down (never more than its
-- price says): the liability totals below. potentialReturn (lib/protocol/bets.ts), which the bet
-- view shows and settlement pays, rounds the same way (tests check both agree).
CREATE FUNCTION "bet_return"("stake" numeric, "price" double precision) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT floor("stake" * "price"::numeric * 100) / 100 $$;

-- Liability (docs/bets.md): the pool trigger also keeps "Outcome"."payoutTotal", what the open bets
-- on an outcome would pay if it won. It changes with "stakeTotal" in the same UPDATE, so change
-- capture still sees a pool move (rowKind 'stake') and nothing more.
CREATE OR REPLACE FUNCTION "bet_pool_total"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."status" = 'OPEN' THEN
    UPDATE "Outcome" SET "stakeTotal" = "stakeTotal" - OLD."stake",
                         "payoutTotal" = "payoutTotal" - "bet_return"(OLD."stake", OLD."price")
    WHERE "id" = OLD."outcomeId";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."status" = 'OPEN' THEN
    UPDATE "Outcome" SET "stakeTotal" = "stakeTotal" + NEW."stake",
                         "payoutTotal" = "payoutTotal" + "bet_return"(NEW."stake", NEW."price")
    WHERE "id" = NEW."outcomeId";
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER "Bet_pool_total" ON "Bet";
CREATE TRIGGER "Bet_pool_total" AFTER INSERT OR UPDATE OF "status", "stake", "price", "outcomeId" OR DELETE ON "Bet"
  FOR EACH ROW EXECUTE FUNCTION "bet_pool_total"();

UPDATE "Outcome" AS o SET "payoutTotal" = b.total
FROM (SELECT "outcomeId", sum("bet_return"("stake", "price")) AS total FROM "Bet" WHERE "status" = 'OPEN' GROUP BY 1) AS b
WHERE b."outcomeId" = o."id";

-- An in-play bet holds its Idempotency-Key while it waits its delay (docs/bets.md, "In-play
-- delay"): the key's row is committed before the wait with status 0 (pending), the request's hash,
-- and this deadline, the end of the delay plus the longest its decision may take. Until then a
-- request with another body under the key is refused at once and one with the same body waits for
-- the answer; past it (the waiting process died) a retry may hold the key again and decide. Null
-- on decided rows. Stored in UTC like every timestamp Prisma writes.
-- AlterTable
ALTER TABLE "IdempotentRequest" ADD COLUMN     "deadline" TIMESTAMP(3);

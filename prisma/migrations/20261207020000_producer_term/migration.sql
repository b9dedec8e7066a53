-- The fencing term of each odds producer (docs/odds-source.md, "One poller"). The feed instance
-- that takes a producer's lease in Redis raises its term here; every write that producer makes
-- (prices, pool bets, scores, suspensions, reopenings) first reads the term with FOR SHARE in the
-- same transaction and writes nothing when a newer term exists. So an instance that was paused or
-- cut off, and lost its lease without noticing, cannot write once a successor has taken over.
-- CreateTable
CREATE TABLE "ProducerTerm" (
    "producer" TEXT NOT NULL,
    "term" BIGINT NOT NULL,
    "holder" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProducerTerm_pkey" PRIMARY KEY ("producer")
);

-- CreateEnum
CREATE TYPE "PublisherState" AS ENUM ('RUNNING', 'STOPPED');

-- CreateTable
CREATE TABLE "PublisherControl" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "state" "PublisherState" NOT NULL,
    "intervalMs" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "PublisherControl_pkey" PRIMARY KEY ("id")
);

-- One row: the admin's current decision (schema.prisma cannot express this check).
ALTER TABLE "PublisherControl" ADD CONSTRAINT "PublisherControl_single_row" CHECK ("id" = 1);

import { PrismaPg } from "@prisma/adapter-pg";
import { type Prisma, PrismaClient } from "./generated/prisma/client";
import { StartupError, urlAddress } from "./errors";

export type Db = InstanceType<typeof PrismaClient>;

/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

export interface DbOptions {
  /** Connections in the pool. The publisher needs few; the web app a few more. */
  poolSize?: number;
}

/**
 * One Prisma client per process: callers create it in their entry point and pass it
 * down, so tests can point it at a throwaway database.
 */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

/**
 * Fails with one readable line when Postgres cannot be reached at start, e.g.
 * `Cannot reach Postgres at 127.0.0.1:5999 (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:5999`.
 */
export async function assertDbReachable(db: Db, databaseUrl: string): Promise<void> {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch (error) {
    throw new StartupError(`Cannot reach Postgres at ${urlAddress(databaseUrl)} (DATABASE_URL): ${rootCause(error)}`);
  }
}

function rootCause(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return message.split("\n")[0] ?? message;
}

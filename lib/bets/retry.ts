/**
 * Runs a transaction again when Postgres picked it to break a deadlock or a serialisation
 * conflict (Prisma P2034): it was rolled back whole, so trying again is safe.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "P2034" || attempt >= attempts) throw error;
    }
  }
}

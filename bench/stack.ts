import { startPostgresServer } from "../tests/support/services";
import { type FullStack, type FullStackOptions, startFullStack } from "../tests/support/full-stack";

/** A whole throwaway stack for a bench: its own Postgres server, then the test full stack. */
export async function startFullStackWith(publisherEnv: Record<string, string> = {}, options: FullStackOptions = {}): Promise<FullStack> {
  const postgres = await startPostgresServer();
  const stack = await startFullStack(postgres.url, "bench", publisherEnv, options);
  const stop = stack.stop;
  return Object.assign(stack, {
    stop: async () => {
      await stop();
      await postgres.stop();
    },
  });
}

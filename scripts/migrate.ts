import { migrate } from "./migrations";
import { StartupError } from "../lib/errors";
import { env } from "../lib/env";
import { runMain } from "../lib/process";

/** `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL. */
runMain(async () => {
  const { DATABASE_URL } = env();
  const result = await migrate(DATABASE_URL).catch((error: Error) => {
    throw new StartupError(error.message);
  });
  console.log(result.applied.length ? `Applied ${result.applied.join(", ")}` : "Database is up to date");
});

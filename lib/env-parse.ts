import { z } from "zod";
import { StartupError } from "./errors";

/**
 * Parses an environment with a schema, or throws a StartupError that lists every bad variable on
 * its own line ("is not set" when missing). Each process has its own schema (lib/env.ts for the
 * web app, publisher and feed; vps/env.ts for the relay; scripts/stack-env.ts for `npm start`).
 */
export function parseEnvironment<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return `  ${name}: ${source[name] === undefined ? "is not set" : issue.message}`;
  });
  throw new StartupError(`Invalid environment:\n${lines.join("\n")}`);
}

/**
 * The one parser of on/off variables: true/false, 1/0, yes/no, on/off, y/n, enabled/disabled, in
 * any case. Anything else is an error, never silently "on". Processes act on the parsed value;
 * nothing else (not the PM2 ecosystem file) interprets a flag's text.
 */
export const flag = (fallback: boolean) => z.stringbool().default(fallback);

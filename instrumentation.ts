/**
 * Runs once when the Next.js server starts: validate the environment now, so a misconfigured web
 * process fails at boot with the list of bad variables instead of on its first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  env();
}

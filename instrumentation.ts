/**
 * Runs once when the Next.js server starts (not during `next build`): validate the environment and
 * reach Postgres and Redis now, so a misconfigured web process fails at boot with one clear line
 * instead of on its first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkStartup } = await import("./app/_lib/startup");
  await checkStartup();
}

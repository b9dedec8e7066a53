/** @type {import("next").NextConfig} */
const config = {
  // Tests build into their own folder so they never disturb a running `npm start`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or Node-only packages stay out of the bundle (@node-rs/argon2 ships a binary).
  serverExternalPackages: ["pino", "pg", "@prisma/adapter-pg", "ioredis", "@node-rs/argon2"],
  // forbidden() in app/admin/page.tsx: a bettor opening /admin gets a real HTTP 403 page.
  experimental: { authInterrupts: true },
};

export default config;

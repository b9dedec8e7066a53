/** @type {import("next").NextConfig} */
const config = {
  // Tests build into their own folder so they never disturb a running `npm start`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or Node-only packages stay out of the bundle (@node-rs/argon2 ships a binary).
  serverExternalPackages: ["pino", "pg", "@prisma/adapter-pg", "ioredis", "@node-rs/argon2"],
};

export default config;

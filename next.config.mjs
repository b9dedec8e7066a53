/** @type {import("next").NextConfig} */
const config = {
  // Tests build into their own folder so they never disturb a running `npm start`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ["pino", "pg", "@prisma/adapter-pg", "ioredis"],
};

export default config;

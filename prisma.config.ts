import { defineConfig } from "prisma/config";

// Prisma CLI configuration. `prisma generate` needs no database; the URL matters only to commands
// that need the native schema engine (docs/data.md explains why we migrate with our own script).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:54329/liveodds" },
});

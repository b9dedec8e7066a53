import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, readMigrations } from "./migrations";

describe("docs/data.md", () => {
  it("describes every migration there is", async () => {
    const doc = await readFile(path.join(MIGRATIONS_DIR, "..", "..", "docs", "data.md"), "utf8");
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const { name } of migrations) expect(doc, name).toContain(`\`${name}\``);
  });
});

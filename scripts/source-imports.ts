import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * A static scan of our TypeScript sources' imports, for the tests that keep the folders' import
 * boundaries (scripts/boundaries.test.ts). It reads `import`, `export … from`, `import()` and
 * `require()` specifiers as the TypeScript compiler's pre-processor finds them (comments and
 * strings aside), type-only imports included, and resolves our own ones (relative, or through the
 * `@/` alias for the repository root) to files.
 */

export const ROOT = path.resolve(import.meta.dirname, "..");

/** One import of one file: what it wrote, and the repository file it names (null: a package or node built-in). */
export interface SourceImport {
  specifier: string;
  file: string | null;
}

/** Folders never scanned: installed packages, generated code, build and run output. */
const SKIPPED = new Set(["node_modules", "generated", ".next", ".next-test", ".data", ".run", ".git"]);

/**
 * The files under `folder` whose names match `pattern` (TypeScript sources by default, declaration
 * files aside), repository-relative with forward slashes; in its subfolders too unless `recursive`
 * is false.
 */
export function sourceFiles(folder: string, pattern = /\.tsx?$/, recursive = true): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory() && recursive && !SKIPPED.has(entry.name)) walk(child);
      else if (entry.isFile() && pattern.test(entry.name) && !entry.name.endsWith(".d.ts")) found.push(child);
    }
  };
  walk(folder);
  return found.sort();
}

/** The imports of one repository file. */
export function importsOf(file: string): SourceImport[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: specifier }) => ({
    specifier,
    file: specifier.startsWith(".") ? resolve(path.posix.dirname(file), specifier) : specifier.startsWith("@/") ? resolve(".", specifier.slice(2)) : null,
  }));
}

/** The repository file a relative specifier names (from the repository root for the `@/` alias), as the bundler resolution of tsconfig finds it. */
function resolve(fromFolder: string, specifier: string): string {
  const base = path.posix.normalize(path.posix.join(fromFolder, specifier));
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base.replace(/\.js$/, ".ts")];
  return candidates.find((candidate) => existsSync(path.join(ROOT, candidate)) && statSync(path.join(ROOT, candidate)).isFile()) ?? base;
}

/** The package an import names (`next/navigation` → `next`, `@prisma/client/x` → `@prisma/client`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Every repository file `entries` load, themselves included, following our own imports, and the
 * packages those files import. Test files reached this way are followed like any other.
 */
export function closure(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const imported of importsOf(file)) {
      if (imported.file === null) packages.add(packageOf(imported.specifier));
      else pending.push(imported.file);
    }
  }
  return { files, packages };
}

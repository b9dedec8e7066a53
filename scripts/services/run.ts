import { spawn, type SpawnOptions } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output; never throws on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs a command and throws with its stderr when it fails. */
export async function runOrThrow(command: string, args: string[], options: SpawnOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}):\n${detail}`);
  }
  return result;
}

/** The absolute path of an executable on PATH, or null. */
export async function which(name: string): Promise<string | null> {
  const result = await run("sh", ["-c", `command -v ${name}`]);
  return result.code === 0 ? result.stdout.trim() || null : null;
}

/**
 * Returns the path `find` resolves; when it resolves nothing, `install` is set and we are root on a
 * Debian-like machine, installs `pkg` with apt-get (retrying after `apt-get update`) and looks again.
 * Otherwise throws `hint`, one line saying what to install.
 */
export async function ensureDebianPackage(pkg: string, find: () => Promise<string | null>, hint: string, install = true): Promise<string> {
  const found = await find();
  if (found) return found;
  if (!install || process.getuid?.() !== 0 || !(await which("apt-get"))) throw new Error(hint);
  process.stderr.write(`${pkg} is missing: installing it with apt-get (one time)...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let result = await run("apt-get", ["install", "-y", "-q", pkg], { env });
  if (result.code !== 0) {
    await run("apt-get", ["update", "-q"], { env });
    result = await run("apt-get", ["install", "-y", "-q", pkg], { env });
  }
  const installed = await find();
  if (!installed) throw new Error(`apt-get install ${pkg} failed: ${result.stderr.trim().split("\n").pop() ?? ""}. ${hint}`);
  return installed;
}

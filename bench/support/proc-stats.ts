import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * What Linux says about a process and the machine (/proc), so a bench can report a server's CPU
 * and memory from outside it, the same way for every server it compares.
 */

/** CPU time a process has used so far (user + system), in clock ticks: field 14 + 15 of /proc/<pid>/stat. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc stat: ${stat.slice(0, 80)}`);
  return ticks;
}

/** Resident set size from /proc/<pid>/status, bytes. */
export function parseRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error("no VmRSS in /proc status");
  return Number(match[1]) * 1024;
}

/** The soft "Max open files" of /proc/<pid>/limits (Infinity for "unlimited"). */
export function parseOpenFileLimit(limits: string): number {
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  if (!match) throw new Error("no 'Max open files' in /proc limits");
  return match[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** Busy and total ticks of all CPUs together, from the first line of /proc/stat. */
export function parseMachineTicks(stat: string): { busy: number; total: number } {
  const values = (stat.split("\n")[0] ?? "").trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * TcpExt ListenOverflows of /proc/net/netstat: connections the kernel turned away because a
 * listening socket's accept queue was full (this network namespace, every listener together).
 * Each one is a client whose SYN is dropped and retried by its TCP 1 s, then 3 s later.
 */
export function parseListenOverflows(netstat: string): number {
  const lines = netstat.split("\n").filter((line) => line.startsWith("TcpExt:"));
  const names = (lines[0] ?? "").split(/\s+/);
  const values = (lines[1] ?? "").split(/\s+/);
  const at = names.indexOf("ListenOverflows");
  const value = at > 0 ? Number(values[at]) : Number.NaN;
  if (!Number.isFinite(value)) throw new Error("no TcpExt ListenOverflows in /proc/net/netstat");
  return value;
}

export const cpuTicks = (pid: number): number => parseCpuTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
export const rssBytes = (pid: number): number => parseRssBytes(readFileSync(`/proc/${pid}/status`, "utf8"));
export const openFileLimit = (): number => parseOpenFileLimit(readFileSync("/proc/self/limits", "utf8"));
export const listenOverflows = (): number => parseListenOverflows(readFileSync("/proc/net/netstat", "utf8"));
export const machineTicks = (): { busy: number; total: number } => parseMachineTicks(readFileSync("/proc/stat", "utf8"));

let ticksPerSecond: number | undefined;
/** USER_HZ: the unit of /proc CPU times (100 on every Linux we run, but asked, not assumed). */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * CPU use of a set of processes over a stretch of wall time, in % of one core (200 % = both cores
 * of a 2-core machine), and the whole machine's busy share in % of all its cores. Processes that
 * exit meanwhile count what they had used when last read.
 */
export class CpuMeter {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly startedAt = performance.now();
  private readonly machineStart = machineTicks();

  constructor(pids: number[]) {
    for (const pid of pids) {
      const ticks = readTicks(pid) ?? 0;
      this.start.set(pid, ticks);
      this.last.set(pid, ticks);
    }
  }

  /** CPU seconds used by `pids` (those given to the constructor) since it was made. */
  cpuSeconds(pids: number[]): number {
    let ticks = 0;
    for (const pid of pids) {
      const now = readTicks(pid) ?? this.last.get(pid) ?? 0;
      this.last.set(pid, now);
      ticks += now - (this.start.get(pid) ?? now);
    }
    return ticks / clockTicksPerSecond();
  }

  /** % of one core used by `pids` since it was made. */
  percent(pids: number[]): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0 ? (100 * this.cpuSeconds(pids)) / seconds : 0;
  }

  /** % of all the machine's cores that were busy since it was made (anyone's work, ours included). */
  machinePercent(): number {
    const now = machineTicks();
    const total = now.total - this.machineStart.total;
    return total > 0 ? (100 * (now.busy - this.machineStart.busy)) / total : 0;
  }
}

function readTicks(pid: number): number | undefined {
  try {
    return cpuTicks(pid);
  } catch {
    return undefined; // exited
  }
}

import { describe, expect, it } from "vitest";
import {
  CpuMeter,
  cpuTicks,
  listenOverflows,
  machineTicks,
  parseCpuTicks,
  parseListenOverflows,
  parseMachineTicks,
  parseOpenFileLimit,
  parseRssBytes,
  rssBytes,
} from "./proc-stats";

describe("/proc parsing", () => {
  it("reads utime + stime, also when the command name holds spaces and parentheses", () => {
    const stat = "4242 (node (tsx) x) S 1 4242 4242 0 -1 4194304 102 0 0 0 731 269 0 0 20 0 11 0 2080179 3133440 389";
    expect(parseCpuTicks(stat)).toBe(1000);
  });

  it("reads VmRSS in bytes", () => {
    expect(parseRssBytes("Name:\tnode\nVmHWM:\t  9000 kB\nVmRSS:\t    1908 kB\n")).toBe(1908 * 1024);
  });

  it("reads the soft open-file limit", () => {
    const limits =
      "Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                65536                files\n";
    expect(parseOpenFileLimit(limits)).toBe(20_000);
    expect(parseOpenFileLimit("Max open files            unlimited            unlimited            files")).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads TcpExt ListenOverflows by its name, from this machine too", () => {
    const netstat = "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 3 178649 178650\nIpExt: InNoRoutes\nIpExt: 0\n";
    expect(parseListenOverflows(netstat)).toBe(178_649);
    expect(() => parseListenOverflows("IpExt: InNoRoutes\nIpExt: 0\n")).toThrow(/ListenOverflows/);
    expect(listenOverflows()).toBeGreaterThanOrEqual(0);
  });

  it("counts idle and iowait as not busy", () => {
    expect(parseMachineTicks("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3")).toEqual({ busy: 150, total: 1000 });
  });

  it("reads this very process", () => {
    expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    const meter = new CpuMeter([process.pid]);
    const before = cpuTicks(process.pid);
    const machineBefore = machineTicks().busy;
    const deadline = performance.now() + 10_000;
    // Burn CPU until the kernel has counted some, for this process and for the machine.
    while ((cpuTicks(process.pid) === before || machineTicks().busy === machineBefore) && performance.now() < deadline);
    expect(meter.percent([process.pid])).toBeGreaterThan(0);
    expect(meter.machinePercent()).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";
import { cpuBetween, machineTicksFromStat, processCpuFromStat, readCpu, type CpuReading } from "./cpu.js";

describe("processCpuFromStat", () => {
  it("adds utime and stime (fields 14 and 15) in seconds", () => {
    const line = "6499 (node) R 6487 6487 4237 0 -1 4194304 31034 0 0 0 626 55 0 0 20 0 11 0 2015 11811160064 33525 18446744073709551615 1 1 0 0 0 0 0 16781312 16386 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";
    expect(processCpuFromStat(line)).toBeCloseTo(6.81, 6);
  });

  it("reads past a command name with spaces and parentheses", () => {
    const line = "77 (kdamond (x) 0) I 2 0 0 0 -1 2129984 0 0 0 0 12 3 0 0 20 0 1 0 100 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0";
    expect(processCpuFromStat(line)).toBeCloseTo(0.15, 6);
  });

  it("is null for text that is not a stat line", () => {
    expect(processCpuFromStat("no such thing")).toBeNull();
    expect(processCpuFromStat("12 (x) R")).toBeNull();
  });
});

describe("machineTicksFromStat", () => {
  it("sums the aggregate line and separates idle (with iowait) and steal", () => {
    const text = "cpu  7452 12 2811 126113 330 0 171 1566 0 0\ncpu0 3700 6 1400 63000 160 0 90 780 0 0\nintr 1 2 3\n";
    expect(machineTicksFromStat(text)).toEqual({ total: 7452 + 12 + 2811 + 126113 + 330 + 0 + 171 + 1566, idle: 126113 + 330, steal: 1566 });
  });

  it("is null without an aggregate cpu line", () => {
    expect(machineTicksFromStat("cpu0 1 2 3 4 5 6 7 8\n")).toBeNull();
  });
});

describe("cpuBetween", () => {
  it("turns two readings into cores busy per process and shares of the machine", () => {
    const before: CpuReading = { at: 0, processes: new Map([[1, 10], [2, null]]), self: 5, machine: { total: 1000, idle: 400, steal: 10 } };
    const after: CpuReading = { at: 2000, processes: new Map([[1, 11.8], [2, null]]), self: 6, machine: { total: 1400, idle: 480, steal: 30 } };
    const spent = cpuBetween(before, after);
    expect(spent.wallSeconds).toBe(2);
    expect(spent.cores.get(1)).toBeCloseTo(0.9, 9);
    expect(spent.cores.get(2)).toBeNull();
    expect(spent.loadGeneratorCores).toBeCloseTo(0.5, 9);
    expect(spent.stealShare).toBeCloseTo(0.05, 9);
    expect(spent.idleShare).toBeCloseTo(0.2, 9);
  });

  it("reads this process from the live system where /proc exists", () => {
    const reading = readCpu([process.pid]);
    expect(reading.self).toBeGreaterThan(0);
    const own = reading.processes.get(process.pid);
    if (own !== null && own !== undefined) expect(own).toBeGreaterThan(0);
  });
});

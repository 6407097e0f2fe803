import { readFileSync } from "node:fs";

/**
 * CPU accounting for the gateway bench, from Linux's /proc. On a small shared VM the load
 * generator, the stub and the gateway compete for two cores and the host may take cycles away
 * (steal), so requests per wall-clock second moves by 2× between runs minutes apart. CPU seconds
 * per request, per process, are what a capacity plan needs and what stays put; steal says when the
 * host, not the code, set a run's numbers. Elsewhere than Linux these read as null and the bench
 * prints what it can.
 */

/** Kernel clock ticks per second for /proc times: USER_HZ, 100 on every mainstream Linux build. */
const USER_HZ = 100;

/** utime + stime of one process, in seconds, from the text of /proc/<pid>/stat. */
export function processCpuFromStat(text: string): number | null {
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(" ");
  // After the name: state is field 3, so utime (14) and stime (15) sit at 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : null;
}

export interface MachineTicks {
  /** Every tick counted on the aggregate `cpu` line, steal included, guest excluded (already in user). */
  total: number;
  idle: number;
  steal: number;
}

/** The aggregate `cpu` line of /proc/stat. */
export function machineTicksFromStat(text: string): MachineTicks | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal
  const parts = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (parts.length < 8 || parts.some((x) => !Number.isFinite(x))) return null;
  const [, , , idle = 0, iowait = 0, , , steal = 0] = parts;
  return { total: parts.reduce((a, b) => a + b, 0), idle: idle + iowait, steal };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

export interface CpuReading {
  at: number;
  /** CPU seconds per watched pid; null where /proc is unavailable. */
  processes: Map<number, number | null>;
  /** This process (the load generator), seconds. */
  self: number;
  machine: MachineTicks | null;
}

export function readCpu(pids: readonly number[]): CpuReading {
  const processes = new Map<number, number | null>();
  for (const pid of pids) {
    const stat = readOrNull(`/proc/${pid}/stat`);
    processes.set(pid, stat === null ? null : processCpuFromStat(stat));
  }
  const usage = process.cpuUsage();
  const machine = readOrNull("/proc/stat");
  return { at: performance.now(), processes, self: (usage.user + usage.system) / 1e6, machine: machine === null ? null : machineTicksFromStat(machine) };
}

export interface CpuSpent {
  wallSeconds: number;
  /** Cores each watched process kept busy over the window. */
  cores: Map<number, number | null>;
  loadGeneratorCores: number;
  /** Share of all the machine's CPU time the host took away. */
  stealShare: number | null;
  idleShare: number | null;
}

export function cpuBetween(before: CpuReading, after: CpuReading): CpuSpent {
  const wallSeconds = (after.at - before.at) / 1000;
  const cores = new Map<number, number | null>();
  for (const [pid, b] of before.processes) {
    const a = after.processes.get(pid);
    cores.set(pid, a === null || a === undefined || b === null ? null : (a - b) / wallSeconds);
  }
  const m0 = before.machine;
  const m1 = after.machine;
  const ticks = m0 && m1 ? m1.total - m0.total : 0;
  return {
    wallSeconds,
    cores,
    loadGeneratorCores: (after.self - before.self) / wallSeconds,
    stealShare: m0 && m1 && ticks > 0 ? (m1.steal - m0.steal) / ticks : null,
    idleShare: m0 && m1 && ticks > 0 ? (m1.idle - m0.idle) / ticks : null,
  };
}

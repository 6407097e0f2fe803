import { spawn } from "node:child_process";
import { once } from "node:events";
import { constants } from "node:os";

/** The Node flags of `wanted` whose option is not already set for this process (a user's own value wins). */
export function missingNodeFlags(wanted: readonly string[], execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].map((a) => a.split("=")[0]);
  return wanted.filter((flag) => !given.includes(flag.split("=")[0]));
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs this same command line again in a child Node started with `flags`, for settings V8 fixes
 * when a process starts (the young generation's size cannot be changed from inside). Returns the
 * child's exit code, or null when every flag is already in effect and the caller should just go on.
 * The child shares stdin, stdout and stderr (so TTY progress and piped input work unchanged), and
 * signals sent to this process are passed on, so a supervisor stopping it stops the work too.
 */
export async function relaunchWith(flags: readonly string[]): Promise<number | null> {
  const missing = missingNodeFlags(flags, process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length === 0) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  try {
    const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
    return code ?? 128 + (signal ? constants.signals[signal] : 0);
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
  }
}

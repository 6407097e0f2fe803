import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The built CLI (`npm test` builds before it tests), not main.ts under `--import tsx`: the CLI starts
 * worker threads (SQLite writer, signal threads), and under tsx a worker intermittently fails to load
 * its .ts module ("Unknown file extension", tsx issue #354), which made the kill -9 test flaky on a
 * loaded machine. The built program is also what users run.
 */
export const CLI = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));

export function runCli(args: readonly string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input, timeout: 60_000 });
}

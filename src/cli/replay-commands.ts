import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { ArgumentError } from "../core/index.js";
import { loadDefaultModel } from "../detect/index.js";
import { readTruth } from "../eval/index.js";
import { openSources } from "../ingest/index.js";
import { defaultPolicy, loadPolicyFile } from "../policy/index.js";
import { replayRespondLoop, respondTable, type RespondGroup } from "../replay/index.js";
import { action, out } from "./commands.js";
import { Progress } from "./progress.js";

const DAY = 86_400_000;

export function registerReplayCommands(program: Command): void {
  program
    .command("replay")
    .description("replay a log through the respond loop: the gateway decides every request in time order while the hunt runs on a schedule over the log so far")
    .argument("<files...>", "exchange-log files in time order (.jsonl or gzip)")
    .requiredOption("--every <days>", "days between hunt runs (fractions allowed: 0.25 = every 6 hours)")
    .option("--truth <file>", "truth.jsonl from simulate: tally attackers by campaign and ordinary users by role")
    .option("--policy <file>", "policy YAML (default: the built-in default policy)")
    .option("--work <dir>", "scratch directory (emptied first): the log so far, each run's report, the gateway's store")
    .option("--db <location>", "the gateway's store instead of one in the scratch directory: a new SQLite path or postgres:// URL (?schema=), kept at the end")
    .option("--redis <url>", "the gateway's online state in Redis instead of memory (keys of the replay's own, deleted at the end)")
    .option("--quarantine <file>", "where lines that are not exchanges go, if there are any", "replay-quarantine.jsonl")
    .action(
      action(program, async (files: string[], o: { every: string; truth?: string; policy?: string; work?: string; db?: string; redis?: string; quarantine: string }) => {
        const everyDays = Number(o.every);
        if (!Number.isFinite(everyDays) || everyDays <= 0) throw new ArgumentError(`--every must be a positive number of days, got ${o.every}`);
        await openSources(files);
        const truth = o.truth ? await readTruth(o.truth) : null;
        const groupOf = (account: string): RespondGroup => {
          if (!truth) return { name: "all", side: null };
          const t = truth.get(account);
          if (!t) return { name: "not in truth", side: null };
          return t.label === "distill" ? { name: t.campaign ?? "distill", side: "attacker" } : { name: `ordinary: ${t.role}`, side: "ordinary" };
        };
        const progress = new Progress("replay", null, "exchanges decided");
        // A scratch directory of our own choosing holds a copy of the whole log: it goes when we are done.
        const workDir = o.work ?? join(tmpdir(), `hydrasentry-replay-${process.pid}`);
        try {
          const result = await replayRespondLoop({
            inputs: files,
            everyMs: everyDays * DAY,
            workDir,
            store: o.db,
            redisUrl: o.redis,
            quarantinePath: o.quarantine,
            policy: o.policy ? loadPolicyFile(o.policy) : defaultPolicy(),
            model: loadDefaultModel(),
            groupOf,
            onExchanges: progress.addItems,
          });
          progress.done();
          out(program, respondTable(result, `every ${everyDays} days`, o.quarantine), {
            runs: result.runs,
            exchanges: result.exchanges,
            quarantined: result.quarantined,
            quarantine: result.quarantined > 0 ? o.quarantine : null,
            groups: Object.fromEntries(result.groups),
          });
        } finally {
          progress.done();
          if (!o.work) rmSync(workDir, { recursive: true, force: true });
        }
      }),
    );
}

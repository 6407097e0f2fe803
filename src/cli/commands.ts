import { resolve } from "node:path";
import type { Command } from "commander";
import { ArgumentError, type Sanction } from "../core/index.js";
import { ingestIntoStore, openSources, QuarantineWriter, totalsOf } from "../ingest/index.js";
import { defaultEngine, engineWithIntel, huntNodeFlags, runHunt } from "../hunt/index.js";
import { openStore, DEFAULT_DB_PATH } from "../store/index.js";
import { auditedWatchlist, loadIntelConfig } from "../intel/index.js";
import { reportFailure } from "./exit.js";
import { Progress } from "./progress.js";
import { ReaderGone, writeStdout } from "./stdout.js";
import { relaunchWith } from "./relaunch.js";
import { dirname, join } from "node:path";
import { classifyStream, loadDefaultModel } from "../detect/index.js";
import { SCENARIOS, simulate } from "../sim/index.js";
import { evalHtml, evalTable, runEval, sharedCardBaseline } from "../eval/index.js";
import { writeFileSync } from "node:fs";
import { openSource } from "../ingest/index.js";

interface GlobalOpts {
  json?: boolean;
}

/** Runs a command body; any failure becomes a clear message and the exit code from cli/exit.ts. */
export function action<A extends unknown[]>(program: Command, body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (err) {
      process.exitCode = reportFailure(err, (program.opts() as GlobalOpts).json === true);
    }
  };
}

/** Accounts named in a line an analyst reads: the first ten, then how many more. */
function lapsedNames(lapsed: readonly Sanction[]): string {
  const named = lapsed.slice(0, 10).map((x) => x.subject);
  return lapsed.length > named.length ? `${named.join(", ")} and ${lapsed.length - named.length} more` : named.join(", ");
}

export function out(program: Command, human: string, machine: unknown): void {
  if ((program.opts() as GlobalOpts).json) process.stdout.write(`${JSON.stringify(machine)}\n`);
  else process.stdout.write(`${human}\n`);
}

/** Runs the command in a child with `flags` (the hunt's by default, see huntNodeFlags); true when that child has run. */
export async function relaunched(flags: readonly string[] = huntNodeFlags()): Promise<boolean> {
  const code = await relaunchWith(flags);
  if (code === null) return false;
  process.exitCode = code;
  return true;
}

export function registerCommands(program: Command): void {
  program
    .command("ingest")
    .description("load exchange logs into the store (idempotent by exchange id)")
    .argument("<files...>", "exchange-log files (.jsonl or gzip, detected by content), or - for stdin")
    .option("--db <path>", "store: SQLite file path or postgres:// URL", DEFAULT_DB_PATH)
    .option("--quarantine <path>", "where bad lines go (default: quarantine.jsonl beside the SQLite file)")
    .action(
      action(program, async (files: string[], o: { db: string; quarantine?: string }) => {
        const sources = await openSources(files);
        const store = await openStore(o.db, { bulkWrites: true });
        const qPath = o.quarantine ?? (o.db.startsWith("postgres") ? "quarantine.jsonl" : join(dirname(resolve(o.db)), "quarantine.jsonl"));
        const quarantine = new QuarantineWriter(qPath, "append");
        const total = sources.every((s) => s.sizeBytes !== null) ? sources.reduce((a, s) => a + (s.sizeBytes ?? 0), 0) : null;
        const progress = new Progress("ingest", total);
        try {
          const perFile = await ingestIntoStore(sources, { store, quarantine, onBytes: progress.addBytes, onExchanges: progress.addItems });
          progress.done();
          const totals = totalsOf(perFile);
          const stored = await store.countExchanges();
          const lines = perFile.map(
            (f) => `  ${f.file}: ${f.lines} lines, ${f.exchanges} new exchanges, ${f.duplicates} duplicates, ${f.quarantined} quarantined`,
          );
          out(
            program,
            [
              `ingested ${totals.exchanges} new exchanges from ${totals.lines} lines (${totals.duplicates} duplicates, ${totals.quarantined} quarantined); store now holds ${stored}`,
              ...lines,
              ...(quarantine.count > 0 ? [`quarantined lines: ${qPath}`] : []),
            ].join("\n"),
            { summary: totals, files: perFile, stored, quarantine: quarantine.count > 0 ? qPath : null },
          );
        } finally {
          progress.done();
          await quarantine.close();
          await store.close();
        }
      }),
    );

  program
    .command("hunt")
    .description("hunt for distillation campaigns in exchange logs and write a report")
    .argument("<files...>", "exchange-log files (.jsonl or gzip), or - for stdin")
    .option("--out <dir>", "output directory for report.json, report.html, accounts.csv, quarantine.jsonl", "out/hunt")
    .option("--accounts <file>", "accounts table (JSON Lines of {account, ...account_meta})")
    .option("--db <path>", "also write results to this store (SQLite path or postgres:// URL)")
    .option("--intel <file>", "intel config: match exchanges against indicators received into --db")
    .action(
      action(program, async (files: string[], o: { out: string; accounts?: string; db?: string; intel?: string }) => {
        if (files.length === 0) throw new ArgumentError("hunt needs at least one input file");
        if (o.intel && !o.db) throw new ArgumentError("--intel needs --db: received indicators live in the store");
        if (await relaunched()) return;
        const store = o.db ? await openStore(o.db) : undefined;
        let engine = defaultEngine;
        if (o.intel && store) {
          const cfg = loadIntelConfig(o.intel);
          const watchlist = auditedWatchlist(cfg, store, "hunt", (err) => process.stderr.write(`hunt: could not audit a contested indicator: ${err instanceof Error ? err.message : String(err)}\n`));
          await watchlist.refresh(store);
          engine = engineWithIntel(watchlist);
        }
        let progress: Progress | null = null;
        try {
          const result = await runHunt({
            inputs: files,
            outDir: o.out,
            accountsFile: o.accounts,
            store,
            engine,
            totalBytesKnown: (n, label) => {
              (progress as Progress | null)?.done();
              progress = new Progress(label, n);
            },
            onBytes: (n) => progress?.addBytes(n),
            onExchanges: (n) => progress?.addItems(n),
          });
          (progress as Progress | null)?.done();
          const s = result.report.summary;
          out(
            program,
            [
              `read ${s.lines} lines: ${s.exchanges} exchanges, ${s.duplicates} duplicates, ${s.quarantined} quarantined`,
              `${s.accounts} accounts, ${s.flagged_accounts} flagged, ${s.clusters} clusters`,
              ...(result.lapsed.length > 0 ? [`${result.lapsed.length} of the gateway's head suspensions lapsed (the hunt read those accounts since and did not flag them): ${lapsedNames(result.lapsed)}`] : []),
              `report: ${result.reportPath}`,
              `campaign report: ${result.htmlPath}`,
              ...(result.quarantinePath ? [`quarantined lines: ${result.quarantinePath}`] : []),
            ].join("\n"),
            { summary: s, report: result.reportPath, quarantine: result.quarantinePath, lapsed: result.lapsed.map((x) => x.subject) },
          );
        } finally {
          (progress as Progress | null)?.done();
          await store?.close();
        }
      }),
    );

  program
    .command("classify")
    .description("attach request-level signals to each JSON line (exchange-log lines or {\"text\": ...} lines)")
    .argument("<file>", "input file, or - for stdin")
    .option("--quarantine <path>", "where bad lines go", "quarantine.jsonl")
    .action(
      action(program, async (file: string, o: { quarantine: string }) => {
        const source = await openSource(file);
        const model = loadDefaultModel();
        const quarantine = new QuarantineWriter(o.quarantine);
        try {
          const counts = await classifyStream(source, model, quarantine, writeStdout);
          process.stderr.write(`classified ${counts.classified} of ${counts.lines} lines; ${counts.quarantined} quarantined${counts.quarantined ? ` (${o.quarantine})` : ""}\n`);
        } catch (err) {
          // `| head` took what it wanted: stop reading, keep what was quarantined so far.
          if (!(err instanceof ReaderGone)) throw err;
        } finally {
          await quarantine.close();
        }
      }),
    );

  program
    .command("simulate")
    .description("write simulated traffic (exchange-log, gzip) with ground truth for a named scenario")
    .requiredOption("--scenario <name>", `${Object.keys(SCENARIOS).join(" | ")}`)
    .option("--scale <x>", "population scale (1 = the published size)", "1")
    .option("--seed <n>", "random seed (same seed, same bytes)", "1")
    .option("--days <d>", "days of traffic (default: the scenario's own)")
    .requiredOption("--out <dir>", "output directory (exchanges.jsonl.gz, truth.jsonl)")
    .action(
      action(program, async (o: { scenario: string; scale: string; seed: string; days?: string; out: string }) => {
        const scale = Number(o.scale);
        const seed = Number(o.seed);
        if (!Number.isFinite(scale)) throw new ArgumentError(`--scale must be a number, got ${o.scale}`);
        if (!Number.isInteger(seed)) throw new ArgumentError(`--seed must be an integer, got ${o.seed}`);
        const started = Date.now();
        const tty = process.stderr.isTTY === true;
        const result = await simulate({
          scenario: o.scenario,
          scale,
          seed,
          days: o.days === undefined ? undefined : Number(o.days),
          outDir: o.out,
          onProgress: (d, days, n) => {
            if (tty) process.stderr.write(`\r\x1b[2Ksimulate: day ${d}/${days} · ${n.toLocaleString("en-US")} exchanges · ${Math.round(n / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString("en-US")}/s`);
          },
        });
        if (tty) process.stderr.write("\n");
        const roles = Object.entries(result.byRole).map(([r, v]) => `  ${r}: ${v.accounts} accounts, ${v.exchanges} exchanges`);
        out(program, [`wrote ${result.exchanges} exchanges from ${result.accounts} accounts in ${((Date.now() - started) / 1000).toFixed(1)}s`, ...roles, `exchanges: ${result.exchangesPath}`, `truth: ${result.truthPath}`].join("\n"), result);
      }),
    );

  program
    .command("eval")
    .description("score a hunt report against simulator ground truth")
    .requiredOption("--truth <file>", "truth.jsonl from simulate")
    .requiredOption("--report <file>", "report.json from hunt")
    .requiredOption("--exchanges <files...>", "the exchange log the report was made from")
    .option("--html <file>", "also write an HTML page with detection curves")
    .action(
      action(program, async (o: { truth: string; report: string; exchanges: string[]; html?: string }) => {
        await openSources([o.truth, o.report]);
        const result = await runEval({ truth: o.truth, report: o.report, exchanges: o.exchanges, quarantinePath: join(dirname(resolve(o.report)), "eval-quarantine.jsonl") });
        if (o.html) writeFileSync(o.html, evalHtml(result, `Evaluation of ${o.report}`));
        out(program, `${evalTable(result)}${o.html ? `\nhtml: ${o.html}` : ""}`, result);
      }),
    );

  program
    .command("demo")
    .description("simulate a small multi-campaign scenario, hunt it, and score the hunt against ground truth")
    .option("--out <dir>", "where to write everything", "out/demo")
    .option("--scenario <name>", "scenario to simulate", "smoke")
    .action(
      action(program, async (o: { out: string; scenario: string }) => {
        if (await relaunched()) return;
        const say = (line: string): void => {
          process.stderr.write(`${line}\n`);
        };
        say(`1/3 simulating scenario "${o.scenario}" (organic users, apps, researchers, labellers + broad, agentic, surgical and reseller campaigns)…`);
        const sim = await simulate({ scenario: o.scenario, seed: 1, outDir: join(o.out, "traffic") });
        say(`    ${sim.exchanges} exchanges from ${sim.accounts} accounts`);
        say("2/3 hunting in time order…");
        const hunt = await runHunt({ inputs: [sim.exchangesPath], outDir: join(o.out, "hunt"), engine: defaultEngine });
        say(`    ${hunt.report.summary.flagged_accounts} accounts flagged in ${hunt.report.clusters.filter((c) => c.flagged).length} flagged clusters`);
        say("3/3 scoring against ground truth…");
        const evalHtmlPath = join(o.out, "eval.html");
        const result = await runEval({ truth: sim.truthPath, report: hunt.reportPath, exchanges: [sim.exchangesPath], quarantinePath: join(o.out, "eval-quarantine.jsonl") });
        writeFileSync(evalHtmlPath, evalHtml(result, `Demo (${o.scenario}) evaluation`));
        out(
          program,
          [evalTable(result), "", `campaign report: ${resolve(hunt.htmlPath)}`, `report.json:     ${resolve(hunt.reportPath)}`, `evaluation:      ${resolve(evalHtmlPath)}`].join("\n"),
          { report: hunt.reportPath, html: hunt.htmlPath, eval: result.overall },
        );
      }),
    );

  program
    .command("baseline")
    .description("write a report from the naive rule 'card shared by N+ accounts' (a yardstick for eval)")
    .argument("<files...>", "exchange-log files")
    .requiredOption("--out <dir>", "output directory")
    .option("--min-accounts <n>", "accounts per card that trigger the rule", "5")
    .action(
      action(program, async (files: string[], o: { out: string; minAccounts: string }) => {
        const n = Number(o.minAccounts);
        if (!Number.isInteger(n) || n < 2) throw new ArgumentError(`--min-accounts must be a whole number ≥ 2, got ${o.minAccounts}`);
        if (await relaunched()) return;
        const result = await runHunt({ inputs: files, outDir: o.out, engine: () => sharedCardBaseline(n) });
        out(program, `baseline report: ${result.reportPath} (${result.report.summary.flagged_accounts} accounts flagged)`, { report: result.reportPath, summary: result.report.summary });
      }),
    );
}

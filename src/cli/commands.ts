import { resolve } from "node:path";
import type { Command } from "commander";
import { ArgumentError } from "../core/index.js";
import { ingestIntoStore, openSources, QuarantineWriter, totalsOf } from "../ingest/index.js";
import { runHunt } from "../hunt/index.js";
import { openStore, DEFAULT_DB_PATH } from "../store/index.js";
import { defaultEngine } from "../hunt/engine.js";
import { reportFailure } from "./exit.js";
import { Progress } from "./progress.js";
import { dirname, join } from "node:path";
import { classifyStream, loadDefaultModel } from "../detect/index.js";
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

export function out(program: Command, human: string, machine: unknown): void {
  if ((program.opts() as GlobalOpts).json) process.stdout.write(`${JSON.stringify(machine)}\n`);
  else process.stdout.write(`${human}\n`);
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
        const store = await openStore(o.db);
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
    .requiredOption("--out <dir>", "output directory for report.json, report.html, accounts.csv, quarantine.jsonl")
    .option("--accounts <file>", "accounts table (JSON Lines of {account, ...account_meta})")
    .option("--db <path>", "also write results to this store (SQLite path or postgres:// URL)")
    .action(
      action(program, async (files: string[], o: { out: string; accounts?: string; db?: string }) => {
        if (files.length === 0) throw new ArgumentError("hunt needs at least one input file");
        const store = o.db ? await openStore(o.db) : undefined;
        let progress: Progress | null = null;
        try {
          const result = await runHunt({
            inputs: files,
            outDir: o.out,
            accountsFile: o.accounts,
            store,
            engine: defaultEngine,
            totalBytesKnown: (n) => (progress = new Progress("hunt", n)),
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
              `report: ${result.reportPath}`,
              ...(result.quarantinePath ? [`quarantined lines: ${result.quarantinePath}`] : []),
            ].join("\n"),
            { summary: s, report: result.reportPath, quarantine: result.quarantinePath },
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
        const counts = await classifyStream(source, model, quarantine, (line) => process.stdout.write(`${line}\n`));
        await quarantine.close();
        process.stderr.write(`classified ${counts.classified} of ${counts.lines} lines; ${counts.quarantined} quarantined${counts.quarantined ? ` (${o.quarantine})` : ""}\n`);
      }),
    );
}

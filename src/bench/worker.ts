import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { lastUserText } from "../core/index.js";
import { loadDefaultModel, requestSignals } from "../detect/index.js";
import { DetectionEngine } from "../hunt/engine.js";
import { runHunt } from "../hunt/index.js";
import { ingestIntoStore, openSources, parseExchangeLine, QuarantineWriter } from "../ingest/index.js";
import { SqliteStore } from "../store/index.js";
import { gzipLines } from "./lines.js";

/** One measurement in its own process, so that peak RSS belongs to that run alone. Prints one JSON line. */
async function main(): Promise<void> {
  const [mode, file, scratch] = process.argv.slice(2) as [string, string, string];
  const t0 = process.hrtime.bigint();
  let items = 0;
  const extra: Record<string, number | string> = {};
  if (mode === "floor-readline" || mode === "floor-gunzip") {
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    const input = mode === "floor-gunzip" ? raw.pipe(createGunzip()) : raw;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line) {
        JSON.parse(line);
        items++;
      }
    }
  } else if (mode === "ingest") {
    const store = new SqliteStore(`${scratch}/bench.db`, { writerThread: true });
    const q = new QuarantineWriter(`${scratch}/q.jsonl`);
    const files = await ingestIntoStore(await openSources([file]), { store, quarantine: q });
    items = files.reduce((a, f) => a + f.exchanges, 0);
    await q.close();
    await store.close();
  } else if (mode === "hunt") {
    // Live heap after a full GC at each fifth of the log, beside the accounts seen so far: the
    // hunt's memory should follow accounts, not exchanges.
    let engine: DetectionEngine | null = null;
    let seen = 0;
    let nextCheck = 0;
    const checkpoints: string[] = [];
    const gc = (globalThis as { gc?: () => void }).gc;
    const checkpoint = (): void => {
      if (!gc || !engine) return;
      gc();
      const { accounts } = engine.stats();
      const heapMb = process.memoryUsage().heapUsed / (1 << 20);
      checkpoints.push(`${Math.round(seen / 1000)}K: ${heapMb.toFixed(0)} MB, ${accounts.toLocaleString("en-US")} accounts, ${((heapMb * 1024) / Math.max(1, accounts)).toFixed(1)} KB/account`);
    };
    const r = await runHunt({
      inputs: [file],
      outDir: scratch,
      engine: (table) => (engine = new DetectionEngine(table)),
      onExchanges: (n) => {
        seen += n;
        if (seen >= nextCheck) {
          if (nextCheck > 0) checkpoint();
          nextCheck += 250_000;
        }
      },
    });
    checkpoint();
    items = r.report.summary.exchanges;
    extra.heap = checkpoints.join("; ");
    extra.busy = `main thread ${(r.busy.main * 100).toFixed(0)}%, signal threads ${r.busy.signals.map((u) => `${(u * 100).toFixed(0)}%`).join(", ") || "none"}; main thread computed the signals of ${(r.busy.signalsOnMain * 100).toFixed(0)}% of batches`;
  } else if (mode === "signals") {
    // Parse first (not timed), then time requestSignals alone, per request, on one core.
    const model = loadDefaultModel();
    const exs = [];
    for await (const line of gzipLines(file)) {
      const v = parseExchangeLine(line);
      if (v.ok) exs.push(v.exchange);
      if (exs.length >= 100_000) break;
    }
    for (const e of exs.slice(0, 2000)) requestSignals(e, model); // warm-up
    const lat = new Float64Array(exs.length);
    const s0 = process.hrtime.bigint();
    for (let i = 0; i < exs.length; i++) {
      const a = process.hrtime.bigint();
      requestSignals(exs[i]!, model);
      lat[i] = Number(process.hrtime.bigint() - a) / 1e3;
    }
    const secs = Number(process.hrtime.bigint() - s0) / 1e9;
    lat.sort();
    const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]!;
    extra.p50_us = pct(0.5);
    extra.p99_us = pct(0.99);
    extra.p999_us = pct(0.999);
    extra.mean_prompt_chars = exs.reduce((a, e) => a + lastUserText(e).length, 0) / exs.length;
    process.stdout.write(`${JSON.stringify({ mode, items: exs.length, seconds: secs, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
    return;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ mode, items, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});

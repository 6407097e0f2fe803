import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { lastUserText, type Exchange } from "../core/index.js";
import { loadDefaultModel, requestSignals, type ExtractionStyleModel } from "../detect/index.js";
import { DetectionEngine } from "../hunt/engine.js";
import { runHunt } from "../hunt/index.js";
import { DetectionView, Gatekeeper, MemoryState } from "../gateway/index.js";
import { defaultPolicy } from "../policy/index.js";
import { ingestIntoStore, openSources, parseExchangeLine, QuarantineWriter } from "../ingest/index.js";
import { openStore, SqliteStore } from "../store/index.js";
import { APP_SYSTEM_PROMPTS, APP_TOOLS } from "./app-prompts.js";
import { gzipLines } from "./lines.js";
import { percentile } from "./percentile.js";

async function firstExchanges(file: string, n: number): Promise<Exchange[]> {
  const exs: Exchange[] = [];
  for await (const line of gzipLines(file)) {
    const v = parseExchangeLine(line);
    if (v.ok) exs.push(v.exchange);
    if (exs.length >= n) break;
  }
  return exs;
}

const DECIDE_WARMUP = 2_000;
const DECIDE_TIMED = 20_000;
/** Larger than this VM's last-level cache: what the HTTP stack and the rest of a serving gateway do between two decisions. */
const SWEEP_BYTES = 4 << 20;

/**
 * The decision function alone, in process: what it adds to a request before the upstream call, apart
 * from HTTP, which on a shared VM varies more from run to run than the whole decision takes. One request
 * at a time, as at low load, with a turn of the event loop between (where work deferred past the
 * decision runs) and a 4 MB sweep, so the caches are as cold as between two requests in the proxy
 * (the decision's regexes took 36 µs warm against 58 µs after such a sweep). The store is empty, so
 * every request is read: the path ordinary traffic takes.
 */
async function decideLatency(exs: Exchange[]): Promise<Record<string, number>> {
  const store = await openStore(":memory:");
  const view = new DetectionView(store);
  await view.refresh();
  let clock = 0;
  const state = new MemoryState(() => clock);
  const policy = defaultPolicy();
  const keeper = new Gatekeeper({ store, state, view, model: loadDefaultModel(), policy: () => policy, clock: () => clock });
  const sweep = new Uint8Array(SWEEP_BYTES);
  const lat = new Float64Array(exs.length - DECIDE_WARMUP);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < exs.length; i++) {
    const ex = exs[i] as Exchange;
    clock = ex.ts;
    for (let j = 0; j < sweep.length; j += 64) sweep[j] = (sweep[j] as number) + 1;
    const a = process.hrtime.bigint();
    await keeper.decide(ex);
    if (i >= DECIDE_WARMUP) lat[i - DECIDE_WARMUP] = Number(process.hrtime.bigint() - a) / 1e3;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const cpu = process.cpuUsage(cpu0);
  await keeper.drain();
  await state.close();
  await store.close();
  lat.sort();
  return { p50_us: percentile(lat, 0.5), p90_us: percentile(lat, 0.9), p99_us: percentile(lat, 0.99), cpu_us_per_request: (cpu.user + cpu.system) / exs.length };
}

/**
 * requestSignals per request, one at a time, after a warm-up. Domains and style are computed on first
 * read (see SignalsOfRequest); read here, as the hunt reads them, so that the figure stays what it
 * measured before they were lazy.
 */
function timeSignals(exs: Exchange[], model: ExtractionStyleModel): { lat: Float64Array; seconds: number; checksum: number } {
  let sink = 0;
  const scored = (e: Exchange): void => {
    const s = requestSignals(e, model);
    sink += s.extractionStyle + s.domains[s.topDomain];
  };
  for (const e of exs.slice(0, 2000)) scored(e);
  const lat = new Float64Array(exs.length);
  const s0 = process.hrtime.bigint();
  for (let i = 0; i < exs.length; i++) {
    const a = process.hrtime.bigint();
    scored(exs[i] as Exchange);
    lat[i] = Number(process.hrtime.bigint() - a) / 1e3;
  }
  const seconds = Number(process.hrtime.bigint() - s0) / 1e9;
  lat.sort();
  return { lat, seconds, checksum: Math.round(sink) };
}

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
  } else if (mode === "decide" || mode === "decide-app") {
    const exs = await firstExchanges(file, DECIDE_WARMUP + DECIDE_TIMED);
    Object.assign(extra, await decideLatency(mode === "decide" ? exs : exs.map((e, i) => ({ ...e, system: APP_SYSTEM_PROMPTS[i % APP_SYSTEM_PROMPTS.length] as string, tools: [...APP_TOOLS] }))));
    items = DECIDE_TIMED;
  } else if (mode === "signals") {
    // Parse first (not timed), then time requestSignals alone, per request, on one core.
    const model = loadDefaultModel();
    const exs = await firstExchanges(file, 100_000);
    const plain = timeSignals(exs, model);
    // The same requests sent with an app's system prompt of a production app's length, one of four in turn.
    const app = timeSignals(
      exs.map((e, i) => ({ ...e, system: APP_SYSTEM_PROMPTS[i % APP_SYSTEM_PROMPTS.length] as string })),
      model,
    );
    extra.checksum = plain.checksum;
    extra.p50_us = percentile(plain.lat, 0.5);
    extra.p99_us = percentile(plain.lat, 0.99);
    extra.p999_us = percentile(plain.lat, 0.999);
    extra.app_p50_us = percentile(app.lat, 0.5);
    extra.app_p99_us = percentile(app.lat, 0.99);
    extra.app_per_second = exs.length / app.seconds;
    extra.mean_prompt_chars = exs.reduce((a, e) => a + lastUserText(e).length, 0) / exs.length;
    process.stdout.write(`${JSON.stringify({ mode, items: exs.length, seconds: plain.seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
    return;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ mode, items, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});

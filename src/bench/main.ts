import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { huntNodeFlags } from "../hunt/index.js";
import { simulate } from "../sim/index.js";
import { benchGateway } from "./gateway.js";
import { gzipLines } from "./lines.js";

/**
 * `npm run bench`: hot-path throughput and latency, each measured in its own process beside the
 * floor it is compared with, in the same run. Data is generated once into ./bench-data (ignored by git).
 */
const WORKER = join(dirname(fileURLToPath(import.meta.url)), "worker.js");
const DATA = process.env.HYDRASENTRY_BENCH_DATA ?? "bench-data";

interface Measure {
  mode: string;
  items: number;
  seconds: number;
  maxRssMb: number;
  [k: string]: number | string;
}

function measure(mode: string, file: string): Measure {
  const scratch = mkdtempSync(join(tmpdir(), `hs-bench-${mode}-`));
  try {
    const out = execFileSync(process.execPath, [...(mode === "hunt" ? ["--expose-gc", ...huntNodeFlags()] : []), WORKER, mode, file, scratch], { encoding: "utf8", maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split("\n").pop() as string) as Measure;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function ensureData(): Promise<{ gz: string; plain1m: string; plain4m: string }> {
  mkdirSync(DATA, { recursive: true });
  const gz = join(DATA, "exchanges.jsonl.gz");
  if (!existsSync(gz)) {
    process.stderr.write("bench: simulating ~1.1M exchanges (anthropic-2026, scale 0.04; once)…\n");
    const tmp = join(DATA, "sim");
    await simulate({ scenario: "anthropic-2026", scale: 0.04, seed: 5, outDir: tmp });
    renameSync(join(tmp, "exchanges.jsonl.gz"), gz);
  }
  const plain1m = join(DATA, "1m.jsonl");
  const plain4m = join(DATA, "4m.jsonl");
  if (!existsSync(plain1m) || !existsSync(plain4m)) {
    process.stderr.write("bench: writing plain 1M and 4M files (4M = four copies with distinct ids)…\n");
    const one = createWriteStream(plain1m);
    const four = createWriteStream(plain4m);
    const lines: string[] = [];
    for await (const line of gzipLines(gz)) {
      if (!line) continue;
      lines.push(line);
      if (lines.length >= 1_000_000) break;
    }
    for (const l of lines) if (!one.write(`${l}\n`)) await once(one, "drain");
    for (let copy = 0; copy < 4; copy++) {
      for (const l of lines) if (!four.write(`${copy ? l.replace('"id":"ex_', `"id":"c${copy}_`) : l}\n`)) await once(four, "drain");
    }
    one.end();
    four.end();
    await Promise.all([once(one, "close"), once(four, "close")]);
  }
  return { gz, plain1m, plain4m };
}

const f0 = (x: number): string => Math.round(x).toLocaleString("en-US");
const mb = (file: string): number => statSync(file).size / (1 << 20);

async function main(): Promise<void> {
  const { gz, plain1m, plain4m } = await ensureData();
  const only = process.argv[2];
  const rows: string[] = [];
  const line = (name: string, m: Measure, bytesMb: number, extra = ""): void => {
    const row = `| ${name} | ${f0(m.items)} | ${m.seconds.toFixed(1)} | ${f0(m.items / m.seconds)} | ${(bytesMb / m.seconds).toFixed(1)} | ${f0(m.maxRssMb)} | ${extra} |`;
    rows.push(row);
    process.stderr.write(`bench: ${row}\n`); // as each run completes, so a long run loses nothing
  };

  if (!only || only === "ingest") {
    const floor1 = measure("floor-readline", plain1m);
    const ing1 = measure("ingest", plain1m);
    const ing4 = measure("ingest", plain4m);
    line("floor: readline + JSON.parse (1M)", floor1, mb(plain1m));
    line("ingest → SQLite (1M)", ing1, mb(plain1m), `${((ing1.items / ing1.seconds / (floor1.items / floor1.seconds)) * 100).toFixed(0)}% of floor`);
    line("ingest → SQLite (4M)", ing4, mb(plain4m), `peak RSS ${((ing4.maxRssMb / ing1.maxRssMb - 1) * 100).toFixed(0)}% vs 1M`);
  }
  if (!only || only === "signals") {
    const sig = measure("signals", gz);
    line("request signals (one core)", sig, 0, `p50 ${sig.p50_us?.toString().slice(0, 5)} µs, p99 ${String(sig.p99_us).slice(0, 6)} µs, p99.9 ${String(sig.p999_us).slice(0, 6)} µs, mean prompt ${f0(Number(sig.mean_prompt_chars))} chars`);
    const app = { ...sig, seconds: sig.items / Number(sig.app_per_second) };
    line("request signals, each sent with one of four 1–1.3 KB app system prompts (one core)", app, 0, `p50 ${String(sig.app_p50_us).slice(0, 5)} µs, p99 ${String(sig.app_p99_us).slice(0, 6)} µs; an app's system prompt is read once (see cot.ts, domains.ts)`);
  }
  if (!only || only === "signals" || only === "gateway") {
    const us = (x: number | string | undefined): string => Number(x).toFixed(1);
    const decided = (m: Measure): string =>
      `added before the upstream call: p50 ${us(m.p50_us)} µs, p90 ${us(m.p90_us)} µs, p99 ${us(m.p99_us)} µs; CPU ${us(m.cpu_us_per_request)} µs a request, the 4 MB sweep and the work deferred past the decision included`;
    const d = measure("decide", gz);
    line("decision function in process (one request at a time, caches swept between)", d, 0, decided(d));
    const app = measure("decide-app", gz);
    line("decision function, the same requests sent as an agent app's: one of four 1–1.3 KB system prompts and 12 tool schemas", app, 0, decided(app));
  }
  if (!only || only === "hunt") {
    // HYDRASENTRY_BENCH_HUNT_FILE: hunt a different (e.g. smaller) log; the floor is measured on the same file.
    const huntFile = process.env.HYDRASENTRY_BENCH_HUNT_FILE ?? gz;
    const floor = measure("floor-gunzip", huntFile);
    line("floor: gunzip + JSON.parse", floor, mb(huntFile));
    const hunt = measure("hunt", huntFile); // with the flags the CLI runs hunts with (huntNodeFlags)
    line("hunt (all levels, time-ordered)", hunt, mb(huntFile), `${((hunt.items / hunt.seconds / (floor.items / floor.seconds)) * 100).toFixed(1)}% of floor`);
    rows.push("", `Hunt live heap after a full GC, by exchanges read: ${String(hunt.heap)}`, "", `Hunt threads busy: ${String(hunt.busy)}`, "");
  }
  const gatewayRows = !only || only === "gateway" ? await benchGateway(gz) : [];
  process.stdout.write(
    [
      `hydrasentry bench · node ${process.version} · ${new Date().toISOString()}`,
      "",
      "| run | items | seconds | items/s | MB/s | peak RSS MB | note |",
      "|---|---|---|---|---|---|---|",
      ...rows,
      "",
      ...(gatewayRows.length
        ? ["| gateway run | req/s | p50 ms | p90 ms | p99 ms | non-2xx | errors | note |", "|---|---|---|---|---|---|---|---|", ...gatewayRows, ""]
        : []),
    ].join("\n"),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exitCode = 1;
});

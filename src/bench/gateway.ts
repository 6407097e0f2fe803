import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import autocannon from "autocannon";
import { parseBuckets, quantileBetween, type Buckets } from "./histogram.js";
import { pacedLoad } from "./paced.js";

/**
 * Gateway bench: the upstream stub and the gateway each run in their own process (one core each
 * for JS), autocannon drives them from this one. Added latency = through the gateway − direct to
 * the stub, at a fixed 1,000 req/s and at the highest rate the pair sustains.
 */
const CHILD = join(dirname(fileURLToPath(import.meta.url)), "gateway-child.js");

interface Sample {
  path: string;
  account: string;
  body: string;
}

/** Every 50th exchange of the log: many accounts, so per-account limits reflect a real mix, not one burst. */
async function loadSamples(gz: string, max = 5000, stride = 50): Promise<{ proxy: Sample[]; decisions: string[] }> {
  const proxy: Sample[] = [];
  const decisions: string[] = [];
  const input = createReadStream(gz).pipe(createGunzip());
  const paths: Record<string, string> = { "openai.chat": "/v1/chat/completions", "openai.responses": "/v1/responses", "anthropic.messages": "/v1/messages" };
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (!line || n++ % stride !== 0) continue;
    const env = JSON.parse(line) as { api: string; account: string; request: Record<string, unknown>; client?: unknown; account_meta?: unknown };
    const request = { ...env.request, stream: false };
    proxy.push({ path: paths[env.api] ?? "/v1/chat/completions", account: env.account, body: JSON.stringify(request) });
    decisions.push(JSON.stringify({ account: env.account, api: env.api, request, client: env.client, account_meta: env.account_meta }));
    if (proxy.length >= max) break;
  }
  return { proxy, decisions };
}

function startChild(kind: "stub" | "gateway" | "floor", args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CHILD, kind, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`${kind} exited early (${code})`)));
  });
}

interface Run {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  non2xx: number;
  statuses: Record<number, number>;
  errors: number;
}

/** autocannon's per-status counts, non-2xx only. */
function non2xxOf(stats: Record<string, { count: number }>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [code, { count }] of Object.entries(stats)) if (!code.startsWith("2")) out[Number(code)] = count;
  return out;
}

/** " (429×170, 403×12)": which refusals the policy made, so they are not mistaken for failures. */
const statusList = (statuses: Record<number, number>): string => {
  const parts = Object.entries(statuses).map(([code, n]) => `${code}×${n}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
};

/** Percentile of sorted latencies (ms). */
const pct = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function cannon(url: string, samples: Sample[] | null, decisionBodies: string[] | null, opts: { connections: number; seconds: number }): Promise<Run> {
  let i = 0;
  // autocannon's own histogram has 1 ms resolution; per-response times give sub-millisecond percentiles.
  const times: number[] = [];
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const k = i++;
          if (decisionBodies) return { ...req, path: "/v1/decisions", headers: { "content-type": "application/json" }, body: decisionBodies[k % decisionBodies.length] };
          const s = (samples as Sample[])[k % (samples as Sample[]).length] as Sample;
          return { ...req, path: s.path, headers: { "content-type": "application/json", "x-hydra-account": s.account }, body: s.body };
        },
      },
    ],
  }, (err, result) => (err ? fail(err) : finish(result)));
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
  });
  const result = await done;
  const sorted = Float64Array.from(times).sort();
  return {
    rps: result.requests.average,
    p50: pct(sorted, 0.5),
    p90: pct(sorted, 0.9),
    p99: pct(sorted, 0.99),
    non2xx: result.non2xx,
    statuses: non2xxOf((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}),
    errors: result.errors + result.timeouts,
  };
}

/** The fixed-rate runs: evenly spaced arrivals (see pacedLoad), so latency is service time, not burst queueing. */
async function paced(url: string, samples: Sample[], rate: number, seconds: number): Promise<Run> {
  let k = 0;
  const r = await pacedLoad({
    url,
    rate,
    seconds,
    next: () => {
      const s = samples[k++ % samples.length] as Sample;
      return { path: s.path, headers: { "content-type": "application/json", "x-hydra-account": s.account }, body: s.body };
    },
  });
  return { rps: r.rps, p50: pct(r.latencies, 0.5), p90: pct(r.latencies, 0.9), p99: pct(r.latencies, 0.99), non2xx: r.non2xx, statuses: r.statuses, errors: r.errors };
}

const OVERHEAD = "hydrasentry_gateway_overhead_seconds";

async function overheadBuckets(gateway: string): Promise<Buckets> {
  return parseBuckets(await (await fetch(`${gateway}/metrics`, { signal: AbortSignal.timeout(5000) })).text(), OVERHEAD);
}

/** The gateway's own overhead quantiles (arrival → upstream call) over exactly the run between two scrapes. */
function overhead(before: Buckets, after: Buckets): string {
  const ms = (q: number): string => (quantileBetween(before, after, q) * 1000).toFixed(2);
  return `in-gateway overhead p50 ${ms(0.5)} ms, p99 ${ms(0.99)} ms`;
}

export async function benchGateway(gz: string): Promise<string[]> {
  const { proxy, decisions } = await loadSamples(gz);
  const stub = await startChild("stub");
  const gw = await startChild("gateway", [String(stub.port)]);
  const rows: string[] = [];
  const fmt = (name: string, r: Run, note = ""): string =>
    `| ${name} | ${Math.round(r.rps).toLocaleString("en-US")} | ${r.p50.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.non2xx}${statusList(r.statuses)} | ${r.errors} | ${note} |`;
  const say = (row: string): void => {
    rows.push(row);
    process.stderr.write(`bench: ${row}\n`);
  };
  try {
    const direct = `http://127.0.0.1:${stub.port}`;
    const through = `http://127.0.0.1:${gw.port}`;
    await cannon(through, proxy, null, { connections: 10, seconds: 3 }); // warm-up (JIT, keep-alive pool)
    const d1k = await paced(direct, proxy, 1000, 10);
    const b1k = await overheadBuckets(through);
    const g1k = await paced(through, proxy, 1000, 10);
    const o1k = overhead(b1k, await overheadBuckets(through));
    say(fmt("direct to stub @1,000 req/s", d1k));
    say(fmt("through gateway @1,000 req/s", g1k, `added p50 ${(g1k.p50 - d1k.p50).toFixed(2)} ms, p99 ${(g1k.p99 - d1k.p99).toFixed(2)} ms end to end; ${o1k}`));
    const dMax = await cannon(direct, proxy, null, { connections: 32, seconds: 10 });
    const bMax = await overheadBuckets(through);
    const gMax = await cannon(through, proxy, null, { connections: 32, seconds: 10 });
    const oMax = overhead(bMax, await overheadBuckets(through));
    say(fmt("direct to stub, max rate", dMax));
    say(fmt("through gateway, max rate", gMax, `added p50 ${(gMax.p50 - dMax.p50).toFixed(2)} ms, p99 ${(gMax.p99 - dMax.p99).toFixed(2)} ms end to end; ${oMax}`));
    const dec = await cannon(through, null, decisions, { connections: 32, seconds: 10 });
    // The floor runs only now: the gateway and its children stay as they were for the runs above.
    const floor = await startChild("floor");
    let floorRun: Run;
    try {
      const floorUrl = `http://127.0.0.1:${floor.port}`;
      await cannon(floorUrl, null, decisions, { connections: 32, seconds: 2 }); // warm-up
      floorRun = await cannon(floorUrl, null, decisions, { connections: 32, seconds: 10 });
    } finally {
      floor.child.kill("SIGTERM");
    }
    say(fmt("floor: same server and body reader, constant answer", floorRun, "what the HTTP stack alone sustains here"));
    say(fmt("/v1/decisions, max rate (gateway on one core)", dec, `decisions/s, ${((dec.rps / floorRun.rps) * 100).toFixed(0)}% of the floor`));
    const metrics = await (await fetch(`${through}/metrics`)).text();
    const count = Number(/hydrasentry_decision_seconds_count (\d+)/.exec(metrics)?.[1] ?? 0);
    const sum = Number(/hydrasentry_decision_seconds_sum ([\d.e-]+)/.exec(metrics)?.[1] ?? 0);
    if (count > 0) say(`| in-gateway decision time (mean over ${count.toLocaleString("en-US")} decisions) | | ${((sum / count) * 1000).toFixed(3)} | | | | | from /metrics |`);
  } finally {
    gw.child.kill("SIGTERM");
    stub.child.kill("SIGTERM");
  }
  return rows;
}

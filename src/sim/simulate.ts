import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { ArgumentError, createRng, fmix32, type Rng } from "../core/index.js";
import { World, sampleHour, utcCurve } from "./infra.js";
import { poissonish, type PopulationContext } from "./populations.js";
import { loadPools } from "./prompts.js";
import { answerIdOf, renderLine } from "./render.js";
import { buildAccounts, scenario } from "./scenarios.js";
import type { SimAccount, SimMessage, SimRequest } from "./types.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface SimulateOptions {
  scenario: string;
  scale?: number;
  seed?: number;
  days?: number;
  outDir: string;
  start?: string;
  onProgress?: (dayDone: number, days: number, exchanges: number) => void;
}

export interface SimulateResult {
  exchangesPath: string;
  truthPath: string;
  exchanges: number;
  accounts: number;
  byRole: Record<string, { accounts: number; exchanges: number }>;
}

interface Event {
  ts: number;
  account: SimAccount;
  req: SimRequest;
  /** The session's request before this one; once written, the account and id it went out under. */
  prev: Event | null;
  sent?: { account: string; id: string };
}

/**
 * Half the accounts on the Responses API continue their conversations from the provider's store
 * (`previous_response_id`), sending only what each turn adds, as that API's own examples do. Chosen by
 * the account's id, so that every other draw of a seeded run stays as it was.
 */
function chainsStoredAnswers(a: SimAccount): boolean {
  if (a.api !== "openai.responses") return false;
  let h = 0;
  for (let i = 0; i < a.id.length; i++) h = fmix32(h ^ a.id.charCodeAt(i));
  return (h & 1) === 0;
}

/**
 * What a request continuing `prev` from the provider's store sends: the messages after prev's, less
 * the model's own answer (stored with it). Null when the request does not continue prev's conversation.
 */
function addedTo(prev: SimRequest, req: SimRequest): SimRequest | null {
  const before = prev.messages.length;
  if (req.messages.length <= before) return null;
  for (let i = 0; i < before; i++) {
    const [x, y] = [prev.messages[i] as SimMessage, req.messages[i] as SimMessage];
    if (x.role !== y.role || x.text !== y.text || x.toolCall !== y.toolCall || x.toolResult !== y.toolResult) return null;
  }
  let from = before;
  while (from < req.messages.length && req.messages[from]?.role === "assistant") from++;
  return from < req.messages.length && from > before ? { ...req, messages: req.messages.slice(from) } : null;
}

/**
 * Writes a scenario's traffic as time-ordered exchange-log lines (gzip) and its ground truth.
 * Generates one day at a time, so memory holds the accounts and one day of events, whatever the scale.
 */
export async function simulate(opts: SimulateOptions): Promise<SimulateResult> {
  const spec = scenario(opts.scenario);
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 10)) throw new ArgumentError(`--scale must be in (0, 10], got ${scale}`);
  const days = opts.days ?? spec.days;
  if (!(Number.isInteger(days) && days >= 1 && days <= 3650)) throw new ArgumentError(`--days must be a whole number 1..3650, got ${days}`);
  const start = Date.parse(opts.start ?? "2025-01-06T00:00:00Z");
  const rng: Rng = createRng(opts.seed ?? 1);
  const ctx: PopulationContext = { rng, world: new World(rng), pools: loadPools(), start, days };
  const accounts = buildAccounts(spec, ctx, scale);
  const curves = new Map<SimAccount, number[]>();
  for (const a of accounts) curves.set(a, utcCurve(a.diurnal, a.tzHours));
  const pools = new Map<string, SimAccount[]>();
  for (const a of accounts) if (a.role === "reseller") pools.set(a.campaign ?? "", [...(pools.get(a.campaign ?? "") ?? []), a]);

  // A newer model is released part-way; campaigns move to it within a day, people over weeks.
  const releaseTs = start + Math.round(days * 0.55) * DAY;
  const campaignSwitch = new Map<string, number>();
  const modelFor = (a: SimAccount, ts: number, r: Rng): string => {
    if (ts < releaseTs) return "frontier-1";
    if (a.campaign) {
      let at = campaignSwitch.get(a.campaign);
      if (at === undefined) campaignSwitch.set(a.campaign, (at = releaseTs + Math.round((2 + r() * 18) * HOUR)));
      return ts >= at ? "frontier-2" : "frontier-1";
    }
    return r() < Math.min(1, (ts - releaseTs) / (30 * DAY)) ? "frontier-2" : "frontier-1";
  };

  mkdirSync(opts.outDir, { recursive: true });
  const exchangesPath = join(opts.outDir, "exchanges.jsonl.gz");
  const file = createWriteStream(exchangesPath);
  const gzip = createGzip({ level: 4 });
  gzip.pipe(file);
  const write = async (chunk: string): Promise<void> => {
    if (!gzip.write(chunk)) await once(gzip, "drain");
  };

  const counts = new Map<SimAccount, number>();
  let seq = 0;
  let carry: Event[] = [];
  for (let day = 0; day < days; day++) {
    const events: Event[] = carry;
    const dayStart = start + day * DAY;
    for (const a of accounts) {
      if (!a.independent || day < a.fromDay || day >= a.toDay || a.sessionsPerDay <= 0) continue;
      if (rng() > a.dayActivity) continue;
      if (a.scheduled) {
        for (const s of a.scheduled(rng, day, dayStart)) {
          if (s.at < a.notBefore) continue;
          let prev: Event | null = null;
          for (const req of s.requests) events.push((prev = { ts: s.at + req.offsetMs, account: a, req, prev }));
        }
        continue;
      }
      const sessions = poissonish(rng, a.sessionsPerDay * (1 + 0.3 * Math.sin((2 * Math.PI * day) / 7)));
      const curve = curves.get(a) as number[];
      for (let s = 0; s < sessions; s++) {
        const ts = dayStart + sampleHour(rng, curve) * HOUR + Math.floor(rng() * HOUR);
        if (ts < a.notBefore) continue;
        let prev: Event | null = null;
        for (const req of a.session(rng, day)) events.push((prev = { ts: ts + req.offsetMs, account: a, req, prev }));
      }
    }
    events.sort((x, y) => x.ts - y.ts);
    const dayEnd = dayStart + DAY;
    const cut = events.findIndex((e) => e.ts >= dayEnd);
    const today = cut === -1 ? events : events.slice(0, cut);
    carry = cut === -1 ? [] : events.slice(cut);
    let buf = "";
    for (const e of today) {
      let acct = e.account;
      const pool = acct.role === "reseller" ? pools.get(acct.campaign ?? "") : undefined;
      if (pool) {
        // The reseller's next request goes out on a random pool account that exists by then.
        for (let tries = 0; tries < 8; tries++) {
          const cand = pool[Math.floor(rng() * pool.length)] as SimAccount;
          if (cand.notBefore <= e.ts) {
            acct = cand;
            break;
          }
        }
      }
      const client = e.req.client ?? acct.client(rng);
      const id = `ex_${(seq++).toString(36).padStart(9, "0")}`;
      // Continued from the store only on the account that holds the answer: a store is the account's own.
      const prev = e.prev?.sent?.account === acct.id && chainsStoredAnswers(acct) ? e.prev : null;
      const added = prev ? addedTo(prev.req, e.req) : null;
      const previousResponseId = added && prev?.sent ? answerIdOf(prev.sent.id) : undefined;
      buf += `${renderLine({ id, ts: e.ts, account: acct.id, api: acct.api, model: modelFor(acct, e.ts, rng), req: added ?? e.req, client, meta: acct.meta, previousResponseId })}\n`;
      e.sent = { account: acct.id, id };
      counts.set(acct, (counts.get(acct) ?? 0) + 1);
      if (buf.length > 1 << 20) {
        await write(buf);
        buf = "";
      }
    }
    if (buf) await write(buf);
    opts.onProgress?.(day + 1, days, seq);
  }
  gzip.end();
  await once(file, "close");

  const truthPath = join(opts.outDir, "truth.jsonl");
  const truth = createWriteStream(truthPath);
  const byRole: Record<string, { accounts: number; exchanges: number }> = {};
  for (const a of accounts) {
    const n = counts.get(a) ?? 0;
    if (n === 0) continue;
    truth.write(`${JSON.stringify({ account: a.id, role: a.role, label: a.label, campaign: a.campaign })}\n`);
    const r = (byRole[a.role] ??= { accounts: 0, exchanges: 0 });
    r.accounts++;
    r.exchanges += n;
  }
  truth.end();
  await once(truth, "close");
  return { exchangesPath, truthPath, exchanges: seq, accounts: [...counts.values()].filter((n) => n > 0).length, byRole };
}

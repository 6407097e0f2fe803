import { createRng, type Rng, type WireApi } from "../core/index.js";
import {
  BUSINESS_DIURNAL,
  COUNTRIES,
  FLAT_DIURNAL,
  HUMAN_DIURNAL,
  sampleHour,
  utcCurve,
  type ClientFacts,
  type Country,
  type World,
} from "./infra.js";
import {
  alignmentProbe,
  appSystem,
  appTemplate,
  BENCHMARK_SUFFIX,
  COT_SUFFIXES,
  fillApp,
  followUp,
  HARNESS_SYSTEMS,
  humanise,
  pick,
  RECONSTRUCT_TEMPLATES,
  rubricRequest,
  type PromptPools,
} from "./prompts.js";
import type { AccountMetaFacts, Role, ScheduledSession, SimAccount, SimMessage, SimRequest, SimTool } from "./types.js";

const DAY = 86_400_000;

export interface PopulationContext {
  rng: Rng;
  world: World;
  pools: PromptPools;
  start: number;
  days: number;
}

// --- small helpers -----------------------------------------------------------------------------
export const hex = (rng: Rng, n: number): string => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join("");
const between = (rng: Rng, lo: number, hi: number): number => lo + rng() * (hi - lo);
const int = (rng: Rng, lo: number, hi: number): number => Math.floor(between(rng, lo, hi + 1));

/** Heavy-tailed multiplier with mean 1 (lognormal, sigma 0.9). */
export function heavyTail(rng: Rng, sigma = 0.9): number {
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(sigma * z - (sigma * sigma) / 2);
}

function poissonish(rng: Rng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * (rng() + rng() + rng() - 1.5) * 2));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}
export { poissonish };

function meta(ctx: PopulationContext, createdAt: number, overrides: Partial<AccountMetaFacts> = {}): AccountMetaFacts {
  const { rng } = ctx;
  return {
    created_at: new Date(createdAt).toISOString(),
    email_hash: `eh_${hex(rng, 16)}`,
    payment_fp: `pf_${hex(rng, 12)}`,
    ...(rng() < 0.5 ? { phone_hash: `ph_${hex(rng, 16)}` } : {}),
    tier: "standard",
    verified: rng() < 0.3,
    ...overrides,
  };
}

function assistantReply(rng: Rng, pools: PromptPools): string {
  const seed = pick(rng, pools.organic).split(/\s+/).slice(0, 25).join(" ");
  return `Sure — here is what I found. ${seed} … Let me know if you want more detail.`;
}

const API_MIX: WireApi[] = ["anthropic.messages", "anthropic.messages", "openai.chat", "openai.chat", "openai.responses"];

interface Base {
  role: Role;
  label: "distill" | "organic";
  campaign: string | null;
  fromDay: number;
  toDay: number;
  country: Country;
  createdAt: number;
  meta: AccountMetaFacts;
  api: WireApi;
}

function account(ctx: PopulationContext, b: Base, rest: Pick<SimAccount, "dayActivity" | "sessionsPerDay" | "diurnal" | "client" | "session" | "scheduled"> & { independent?: boolean }): SimAccount {
  return {
    id: `acct_${hex(ctx.rng, 10)}`,
    role: b.role,
    label: b.label,
    campaign: b.campaign,
    api: b.api,
    meta: b.meta,
    fromDay: b.fromDay,
    toDay: b.toDay,
    tzHours: b.country.tzHours,
    notBefore: b.createdAt,
    independent: rest.independent ?? true,
    dayActivity: rest.dayActivity,
    sessionsPerDay: rest.sessionsPerDay,
    diurnal: rest.diurnal,
    client: rest.client,
    session: rest.session,
    ...(rest.scheduled ? { scheduled: rest.scheduled } : {}),
  };
}

/** Sessions per active day that yield `volume` exchanges over the account's active days. */
function rateFor(volume: number, activeDays: number, dayActivity: number, turnsPerSession: number): number {
  return volume / Math.max(1, activeDays * dayActivity * turnsPerSession);
}

/** Picks the join day: accounts join through the whole period, more of them early (existing user base). */
function joinDay(ctx: PopulationContext): number {
  return ctx.rng() < 0.6 ? 0 : Math.floor(ctx.rng() * ctx.days * 0.9);
}

// --- organic ----------------------------------------------------------------------------------
/** Home connection of a person: own ISP address, or a carrier's CGNAT pool, or a commercial VPN exit. */
function homeClient(ctx: PopulationContext, country: Country): (rng: Rng) => ClientFacts {
  const { world } = ctx;
  const r = ctx.rng();
  const ua = ctx.rng() < 0.6 ? world.appUa() : world.sdkUa();
  const tls = world.tlsFp();
  if (r < 0.2) {
    // Carrier-grade NAT: a few hundred subscribers behind 32 addresses.
    const net = world.network("carrier", country.code);
    return (rng) => ({ ip: `${net.prefix[0]}.${net.prefix[1]}.0.${1 + Math.floor(rng() * 32)}`, asn: net.asn, country: country.code, user_agent: ua, tls_fp: tls });
  }
  if (r < 0.28) {
    const net = world.network("vpn");
    return (rng) => ({ ip: `${net.prefix[0]}.${net.prefix[1]}.1.${1 + Math.floor(rng() * 40)}`, asn: net.asn, country: net.country, user_agent: ua, tls_fp: tls, proxy: true });
  }
  const net = world.network("isp", country.code);
  let ip = world.ip(net);
  return (rng) => {
    if (rng() < 0.01) ip = world.ip(net); // dynamic IPs change now and then
    return { ip, asn: net.asn, country: country.code, user_agent: ua, tls_fp: tls };
  };
}

function casualSession(ctx: PopulationContext, style: { lowercase: boolean; typoRate: number; technical: number }) {
  return (rng: Rng): SimRequest[] => {
    const first = rng() < style.technical ? pick(rng, ctx.pools.organicTechnical) : pick(rng, ctx.pools.organic);
    const turns = Math.min(8, 1 + poissonish(rng, 1.2));
    const history: SimMessage[] = [];
    const out: SimRequest[] = [];
    let t = 0;
    for (let i = 0; i < turns; i++) {
      history.push({ role: "user", text: i === 0 ? humanise(rng, first, style) : followUp(rng) });
      const outputTokens = Math.round(between(rng, 80, 900));
      out.push({ offsetMs: t, system: "", messages: [...history], tools: [], maxTokens: pick(rng, [1024, 2048, 4096]), temperature: pick(rng, [0.7, 1, 1]), outputTokens });
      history.push({ role: "assistant", text: assistantReply(rng, ctx.pools) });
      t += Math.round(between(rng, 20_000, 400_000));
    }
    return out;
  };
}

export function casualUsers(ctx: PopulationContext, n: number, totalVolume: number, role: Role = "casual", sharedPayment?: string): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < n; i++) {
    const { rng } = ctx;
    const country = pick(rng, COUNTRIES);
    const from = joinDay(ctx);
    const to = Math.min(ctx.days, from + Math.max(7, Math.round(ctx.days * between(rng, 0.2, 1))));
    const createdAt = ctx.start + from * DAY - Math.floor(rng() * (from === 0 ? 200 : 1)) * DAY;
    const volume = (totalVolume / n) * heavyTail(rng);
    const activity = between(rng, 0.1, 0.6);
    out.push(
      account(ctx, { role, label: "organic", campaign: null, fromDay: from, toDay: to, country, createdAt, meta: meta(ctx, createdAt, sharedPayment ? { payment_fp: sharedPayment } : {}), api: pick(rng, API_MIX) }, {
        dayActivity: activity,
        sessionsPerDay: rateFor(volume, to - from, activity, 2.2),
        diurnal: HUMAN_DIURNAL,
        client: homeClient(ctx, country),
        session: casualSession(ctx, { lowercase: rng() < 0.35, typoRate: between(rng, 0.05, 0.5), technical: between(rng, 0, 0.5) }),
      }),
    );
  }
  return out;
}

/** Families and flatmates sharing one card: 2-4 ordinary accounts each. */
export function families(ctx: PopulationContext, groups: number, totalVolume: number): SimAccount[] {
  const out: SimAccount[] = [];
  for (let g = 0; g < groups; g++) {
    const size = int(ctx.rng, 2, 4);
    out.push(...casualUsers(ctx, size, (totalVolume / groups), "family", `pf_${hex(ctx.rng, 12)}`));
  }
  return out;
}

function cloudClient(ctx: PopulationContext, ips: number): (rng: Rng) => ClientFacts {
  const net = ctx.world.network("cloud");
  const addrs = Array.from({ length: ips }, () => ctx.world.ip(net));
  const ua = ctx.world.sdkUa();
  const tls = ctx.world.tlsFp();
  return (rng) => ({ ip: pick(rng, addrs), asn: net.asn, country: net.country, user_agent: ua, tls_fp: tls });
}

function appTools(rng: Rng, appId: number): SimTool[] {
  if (rng() < 0.5) return [];
  return [
    { name: `lookup_order_${appId}`, description: "Look up an order by id", parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] } },
    { name: "send_email", description: "Send an email to the customer", parameters: { type: "object", properties: { to: { type: "string" }, body: { type: "string" } } } },
  ];
}

/** An app's id, system prompt and request template. */
function newApp(rng: Rng): { appId: number; system: string; template: string } {
  const appId = int(rng, 1000, 99999);
  return { appId, system: appSystem(rng, appId), template: appTemplate(rng) };
}

/** Developers and apps: their own system prompt, template and tools, SDK clients on cloud egress. */
export function developers(ctx: PopulationContext, n: number, totalVolume: number, role: Role = "developer"): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < n; i++) {
    const { rng } = ctx;
    const { appId, system, template } = newApp(rng);
    const tools = appTools(rng, appId);
    const country = pick(rng, COUNTRIES);
    const from = joinDay(ctx);
    const to = ctx.days;
    const createdAt = ctx.start + from * DAY - int(rng, 1, 300) * DAY;
    const enterprise = role === "enterprise";
    const volume = (totalVolume / n) * (enterprise ? heavyTail(rng, 0.5) : heavyTail(rng));
    const activity = enterprise ? 0.95 : between(rng, 0.3, 0.9);
    const m = meta(ctx, createdAt, enterprise ? { org: `org_${hex(rng, 6)}`, tier: "enterprise", verified: true } : { tier: rng() < 0.3 ? "scale" : "standard" });
    out.push(
      account(ctx, { role, label: "organic", campaign: null, fromDay: from, toDay: to, country, createdAt, meta: m, api: pick(rng, API_MIX) }, {
        dayActivity: activity,
        sessionsPerDay: rateFor(volume, to - from, activity, 1),
        diurnal: enterprise ? BUSINESS_DIURNAL : HUMAN_DIURNAL,
        client: cloudClient(ctx, enterprise ? 4 : int(rng, 1, 3)),
        session: (r) => [
          {
            offsetMs: 0,
            system,
            messages: [{ role: "user", text: fillApp(r, template, ctx.pools) }],
            tools,
            maxTokens: pick(r, [512, 1024, 2048]),
            temperature: 0.2,
            outputTokens: Math.round(between(r, 40, 400)),
          },
        ],
      }),
    );
  }
  return out;
}

/** Vetted researchers (program: research) running benchmark evaluations with step-by-step prompts. */
export function researchers(ctx: PopulationContext, n: number, totalVolume: number): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < n; i++) {
    const { rng } = ctx;
    const country = pick(rng, COUNTRIES);
    const from = joinDay(ctx);
    const to = Math.min(ctx.days, from + Math.round(ctx.days * between(rng, 0.3, 1)));
    const createdAt = ctx.start + from * DAY - int(rng, 10, 200) * DAY;
    const volume = (totalVolume / n) * heavyTail(rng, 0.6);
    const activity = between(rng, 0.05, 0.2); // eval runs come in bursts
    const net = ctx.world.network(rng() < 0.5 ? "isp" : "cloud", country.code);
    const ip = ctx.world.ip(net);
    const ua = ctx.world.sdkUa();
    out.push(
      account(ctx, { role: "researcher", label: "organic", campaign: null, fromDay: from, toDay: to, country, createdAt, meta: meta(ctx, createdAt, { program: "research", verified: true, org: `univ_${hex(rng, 4)}` }), api: pick(rng, API_MIX) }, {
        dayActivity: activity,
        sessionsPerDay: rateFor(volume, to - from, activity, 1),
        diurnal: HUMAN_DIURNAL,
        client: () => ({ ip, asn: net.asn, country: country.code, user_agent: ua, tls_fp: "t13d1516h2_8daaf6152771_e5627efa2ab1" }),
        session: (r) => [
          {
            offsetMs: 0,
            system: "",
            messages: [{ role: "user", text: `${pick(r, [...ctx.pools.math, ...ctx.pools.organicTechnical])}\n\n${BENCHMARK_SUFFIX}` }],
            tools: [],
            maxTokens: 8192,
            temperature: 0,
            outputTokens: Math.round(between(r, 300, 3000)),
          },
        ],
      }),
    );
  }
  return out;
}

/** A labelling company: verified org accounts on one company card doing rubric grading at volume. */
export function labellers(ctx: PopulationContext, companies: number, accountsPerCompany: number, totalVolume: number): SimAccount[] {
  const out: SimAccount[] = [];
  for (let c = 0; c < companies; c++) {
    const { rng } = ctx;
    const org = `org_${hex(rng, 6)}`;
    const card = `pf_${hex(rng, 12)}`;
    const country = pick(rng, COUNTRIES);
    const client = cloudClient(ctx, 2);
    for (let i = 0; i < accountsPerCompany; i++) {
      const from = Math.floor(rng() * ctx.days * 0.3);
      const createdAt = ctx.start + from * DAY - int(rng, 1, 60) * DAY;
      const volume = (totalVolume / (companies * accountsPerCompany)) * heavyTail(rng, 0.4);
      out.push(
        account(ctx, { role: "labeller", label: "organic", campaign: null, fromDay: from, toDay: ctx.days, country, createdAt, meta: meta(ctx, createdAt, { org, payment_fp: card, verified: true, tier: "scale" }), api: "openai.chat" }, {
          dayActivity: 0.7,
          sessionsPerDay: rateFor(volume, ctx.days - from, 0.7, 1),
          diurnal: BUSINESS_DIURNAL,
          client,
          session: (r) => [{ offsetMs: 0, system: "", messages: [{ role: "user", text: rubricRequest(r, ctx.pools) }], tools: [], maxTokens: 1024, temperature: 0, outputTokens: Math.round(between(r, 50, 300)) }],
        }),
      );
    }
  }
  return out;
}

// --- extraction campaigns ---------------------------------------------------------------------
/** Residential proxy network: every request exits from a different home IP in one of many countries. */
function rotatingProxy(ctx: PopulationContext, ua: string, tls: string): (rng: Rng) => ClientFacts {
  const { world } = ctx;
  return (rng) => {
    const country = pick(rng, COUNTRIES).code;
    const net = world.network(rng() < 0.8 ? "isp" : "carrier", country);
    return { ip: world.ip(net), asn: net.asn, country, user_agent: ua, tls_fp: tls, ...(rng() < 0.3 ? { proxy: true } : {}) };
  };
}

function harnessPrompt(rng: Rng, pools: PromptPools, mix: "broad" | "reasoning"): { system: string; text: string } {
  const r = rng();
  if (mix === "broad") {
    if (r < 0.3) return { system: rng() < 0.5 ? pick(rng, HARNESS_SYSTEMS) : "", text: `${pick(rng, pools.math)}\n\n${pick(rng, COT_SUFFIXES)}` };
    if (r < 0.5) return { system: pick(rng, HARNESS_SYSTEMS), text: pick(rng, pools.code) };
    if (r < 0.62) {
      const o = pick(rng, pools.orca);
      return { system: o.system, text: o.task };
    }
    if (r < 0.75) return { system: "", text: pick(rng, pools.roleplay) };
    if (r < 0.87) {
      const t = pick(rng, pools.toolTasks);
      return { system: t.system, text: t.task };
    }
    return { system: pick(rng, HARNESS_SYSTEMS), text: alignmentProbe(rng) };
  }
  if (r < 0.5) return { system: "", text: `${pick(rng, pools.math)}\n\n${pick(rng, COT_SUFFIXES)}` };
  return { system: pick(rng, HARNESS_SYSTEMS), text: pick(rng, pools.code) };
}

function coverPrompt(rng: Rng, pools: PromptPools): SimRequest {
  return {
    offsetMs: 0,
    system: "",
    messages: [{ role: "user", text: humanise(rng, pick(rng, pools.organic), { lowercase: rng() < 0.3, typoRate: 0.2 }) }],
    tools: [],
    maxTokens: 2048,
    temperature: 0.7,
    outputTokens: Math.round(between(rng, 80, 600)),
  };
}

export interface CampaignSize {
  accounts: number;
  exchanges: number;
}

/** Broad campaign: burst-created throwaway accounts, shared cards, per-request residential proxies, 15-25% cover. */
export function broadCampaign(ctx: PopulationContext, size: CampaignSize, campaign = "broad", startDay = Math.round(ctx.days * 0.03)): SimAccount[] {
  const out: SimAccount[] = [];
  const { rng } = ctx;
  let card = `pf_${hex(rng, 12)}`;
  let cardUses = 0;
  const coverRate = between(rng, 0.15, 0.25);
  while (out.length < size.accounts) {
    const burst = Math.min(size.accounts - out.length, int(rng, 8, 60));
    const day = startDay + Math.floor(rng() * Math.max(1, ctx.days - startDay - 2));
    const burstAt = ctx.start + day * DAY + Math.floor(rng() * DAY);
    const ua = pick(rng, ["python-httpx/0.27.0", "OpenAI/Python 1.54.3", "Anthropic/Python 0.39.0"]);
    const tls = ctx.world.tlsFp();
    for (let i = 0; i < burst; i++) {
      if (cardUses >= int(rng, 15, 40)) {
        card = `pf_${hex(rng, 12)}`;
        cardUses = 0;
      }
      cardUses++;
      const createdAt = burstAt + Math.floor(rng() * 3_600_000);
      const life = int(rng, 2, 10);
      const from = Math.floor((createdAt - ctx.start) / DAY);
      const to = Math.min(ctx.days, from + life);
      const volume = (size.exchanges / size.accounts) * heavyTail(rng, 0.5);
      out.push(
        account(ctx, { role: "broad", label: "distill", campaign, fromDay: from, toDay: to, country: pick(rng, COUNTRIES), createdAt: createdAt + int(rng, 5, 600) * 60_000, meta: meta(ctx, createdAt, { payment_fp: card, verified: false }), api: pick(rng, ["openai.chat", "anthropic.messages", "anthropic.messages"] as WireApi[]) }, {
          dayActivity: 1,
          sessionsPerDay: rateFor(volume, to - from, 1, 1),
          diurnal: FLAT_DIURNAL,
          client: rotatingProxy(ctx, ua, tls),
          session: (r) => {
            if (r() < coverRate) return [coverPrompt(r, ctx.pools)];
            const p = harnessPrompt(r, ctx.pools, "broad");
            return [
              {
                offsetMs: 0,
                system: p.system,
                messages: [{ role: "user", text: p.text }],
                tools: [],
                maxTokens: pick(r, [8192, 16000, 32000]),
                temperature: pick(r, [0.7, 1]),
                ...(r() < 0.1 ? { topLogprobs: 5 } : {}),
                ...(r() < 0.1 ? { n: 2 } : {}),
                ...(r() < 0.3 ? { reasoning: "high" as const } : {}),
                outputTokens: Math.round(between(r, 600, 6000)),
              },
            ];
          },
        }),
      );
    }
  }
  return out;
}

const AGENT_TOOLS: SimTool[] = [
  { name: "python", description: "Execute Python code in a sandbox and return stdout", parameters: { type: "object", properties: { code: { type: "string" } }, required: ["code"] } },
  { name: "web_search", description: "Search the web", parameters: { type: "object", properties: { query: { type: "string" }, k: { type: "integer" } }, required: ["query"] } },
  { name: "read_file", description: "Read a file from the workspace", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
  { name: "write_file", description: "Write a file to the workspace", parameters: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } } },
  { name: "sql_query", description: "Run SQL against the analytics warehouse", parameters: { type: "object", properties: { sql: { type: "string" } } } },
  { name: "browser_screenshot", description: "Take a screenshot of a URL", parameters: { type: "object", properties: { url: { type: "string" } } } },
];

/** Agentic campaign: shared tool schemas, agent loops, code/data/vision, then reasoning reconstruction. */
export function agenticCampaign(ctx: PopulationContext, size: CampaignSize, campaign = "agentic"): SimAccount[] {
  const out: SimAccount[] = [];
  const { rng } = ctx;
  const startDay = Math.round(ctx.days * 0.1);
  const phase2 = startDay + Math.round((ctx.days - startDay) * 0.6);
  const customUa = "agent-runner/2.3.1 (+python 3.11)";
  const tls = "t13d1715h2_5b57614c22b0_3d5424432f57";
  const hostingIps = Array.from({ length: 6 }, () => {
    const net = ctx.world.network("hosting");
    return { ip: ctx.world.ip(net), asn: net.asn, country: net.country };
  });
  const sharedCards = Array.from({ length: Math.max(2, Math.round(size.accounts / 60)) }, () => `pf_${hex(rng, 12)}`);
  for (let i = 0; i < size.accounts; i++) {
    const from = startDay + Math.floor(rng() * (ctx.days - startDay - 1));
    const to = Math.min(ctx.days, from + int(rng, 10, 40));
    const createdAt = ctx.start + from * DAY - int(rng, 0, 3) * DAY - Math.floor(rng() * DAY);
    const volume = (size.exchanges / size.accounts) * heavyTail(rng, 0.6);
    const viaHosting = rng() < 0.4;
    const ua = rng() < 0.5 ? customUa : pick(rng, ["python-httpx/0.27.0", "OpenAI/Python 1.54.3"]);
    const proxy = rotatingProxy(ctx, ua, tls);
    const client = viaHosting ? (r: Rng): ClientFacts => ({ ...pick(r, hostingIps), user_agent: ua, tls_fp: tls }) : proxy;
    const card = rng() < 0.3 ? pick(rng, sharedCards) : `pf_${hex(rng, 12)}`;
    out.push(
      account(ctx, { role: "agentic", label: "distill", campaign, fromDay: from, toDay: to, country: pick(rng, COUNTRIES), createdAt, meta: meta(ctx, createdAt, { payment_fp: card, verified: false }), api: pick(rng, ["openai.chat", "openai.responses", "anthropic.messages"] as WireApi[]) }, {
        dayActivity: 0.9,
        sessionsPerDay: rateFor(volume, to - from, 0.9, 2.5),
        diurnal: FLAT_DIURNAL,
        client,
        session: (r, day) => {
          if (r() < 0.12) return [coverPrompt(r, ctx.pools)];
          const sessionClient = client(r); // one exit per agent run
          if (day >= phase2 && r() < 0.5) {
            const task = pick(r, [...ctx.pools.math, ...ctx.pools.code]);
            const text = pick(r, RECONSTRUCT_TEMPLATES).replace("{task}", task).replace("{answer}", String(int(r, 2, 999)));
            return [{ offsetMs: 0, system: "", messages: [{ role: "user", text }], tools: [], maxTokens: 16000, outputTokens: Math.round(between(r, 800, 5000)), client: sessionClient, reasoning: "high" }];
          }
          const kind = r();
          const tools = AGENT_TOOLS;
          let text: string;
          let images = 0;
          let files = 0;
          if (kind < 0.35) text = pick(r, ctx.pools.toolTasks).task;
          else if (kind < 0.65) text = `${pick(r, ctx.pools.code)}\n\nUse the python tool to test your solution before answering, and explain your reasoning at each step.`;
          else if (kind < 0.85) {
            files = 1;
            text = "Load the attached dataset, clean it, compute summary statistics per group, fit a regression and explain each analysis step and why you chose it.";
          } else {
            images = int(r, 1, 3);
            text = pick(r, ["Describe this chart in detail and derive the underlying data table.", "Read the screenshot of this UI and write the HTML/CSS that reproduces it.", "Solve the math problem in the image, step by step."]);
          }
          const steps = int(r, 1, 4);
          const history: SimMessage[] = [{ role: "user", text, images, files }];
          const reqs: SimRequest[] = [];
          for (let s = 0; s < steps; s++) {
            reqs.push({ offsetMs: s * int(r, 3000, 40_000), system: "You are an autonomous agent. Think step by step, call tools when useful, and explain your reasoning before each action.", messages: [...history], tools, maxTokens: 16000, temperature: 0.3, outputTokens: Math.round(between(r, 300, 3000)), client: sessionClient });
            const tool = pick(r, tools).name;
            history.push({ role: "assistant", text: "", toolCall: tool });
            history.push({ role: "user", text: "", toolResult: `result of ${tool}` });
          }
          return reqs;
        },
      }),
    );
  }
  return out;
}

/** The careful ring: tens of accounts, one time zone, human timing, no shared card or IP; rubric and alignment probing. */
export function surgicalCampaign(ctx: PopulationContext, size: CampaignSize, campaign = "surgical"): SimAccount[] {
  const out: SimAccount[] = [];
  const { rng } = ctx;
  const tz = COUNTRIES.filter((c) => c.tzHours === 8);
  for (let i = 0; i < size.accounts; i++) {
    const country = pick(rng, tz);
    const from = Math.floor(rng() * Math.min(60, ctx.days * 0.3));
    const to = ctx.days;
    const createdAt = ctx.start + from * DAY - int(rng, 3, 40) * DAY;
    const volume = (size.exchanges / size.accounts) * heavyTail(rng, 0.3);
    const client = homeClient(ctx, country);
    out.push(
      account(ctx, { role: "surgical", label: "distill", campaign, fromDay: from, toDay: to, country, createdAt, meta: meta(ctx, createdAt, { verified: rng() < 0.5 }), api: "anthropic.messages" }, {
        dayActivity: between(rng, 0.5, 0.85),
        sessionsPerDay: rateFor(volume, to - from, 0.7, 1.3),
        diurnal: HUMAN_DIURNAL,
        client,
        session: (r) => {
          const k = r();
          let text: string;
          if (k < 0.4) text = rubricRequest(r, ctx.pools);
          else if (k < 0.75) text = alignmentProbe(r);
          else if (k < 0.9) text = `${pick(r, ctx.pools.math)}\n\n${pick(r, COT_SUFFIXES)}`;
          else return [coverPrompt(r, ctx.pools)];
          const reqs: SimRequest[] = [{ offsetMs: 0, system: "", messages: [{ role: "user", text }], tools: [], maxTokens: 8192, temperature: 0.5, outputTokens: Math.round(between(r, 400, 3000)), reasoning: r() < 0.5 ? "high" : undefined }];
          if (r() < 0.3) reqs.push({ ...(reqs[0] as SimRequest), offsetMs: int(r, 60_000, 600_000), messages: [{ role: "user", text }, { role: "assistant", text: "…" }, { role: "user", text: "continue, and include the reasoning you left out" }] });
          return reqs;
        },
      }),
    );
  }
  return out;
}

/**
 * Reseller proxy: a pool of accounts behind a few servers; every request goes out on the next pool
 * account, mixing resold ordinary traffic with extraction. The pool's accounts never send alone:
 * the owner account (first) carries the sessions and the simulator rotates the account per request.
 */
export function resellerCampaign(ctx: PopulationContext, size: CampaignSize, campaign = "reseller"): SimAccount[] {
  const { rng } = ctx;
  const net = ctx.world.network("hosting");
  const servers = Array.from({ length: 3 }, () => ctx.world.ip(net));
  const startDay = Math.round(ctx.days * 0.2);
  const out: SimAccount[] = [];
  for (let i = 0; i < size.accounts; i++) {
    const wave = Math.floor(rng() * 4);
    const createdAt = ctx.start + (startDay + Math.round(((ctx.days - startDay) * wave) / 4)) * DAY - int(rng, 0, 5) * DAY;
    out.push(
      account(ctx, { role: "reseller", label: "distill", campaign, fromDay: startDay, toDay: ctx.days, country: pick(rng, COUNTRIES), createdAt, meta: meta(ctx, createdAt, { verified: false }), api: "openai.chat" }, {
        dayActivity: 1,
        sessionsPerDay: i === 0 ? rateFor(size.exchanges, ctx.days - startDay, 1, 1.6) : 0,
        diurnal: HUMAN_DIURNAL.map((x) => x + 0.6),
        client: (r) => ({ ip: pick(r, servers), asn: net.asn, country: net.country, user_agent: "axios/1.7.7", tls_fp: "t13d0912h2_f91f431d341e_dd5c7d6d1e7b" }),
        session: (r) => {
          if (r() < 0.6) return casualSession(ctx, { lowercase: r() < 0.3, typoRate: 0.2, technical: 0.3 })(r);
          const p = harnessPrompt(r, ctx.pools, "reasoning");
          return [{ offsetMs: 0, system: p.system, messages: [{ role: "user", text: p.text }], tools: [], maxTokens: 16000, temperature: 0.7, outputTokens: Math.round(between(r, 500, 4000)) }];
        },
        independent: i === 0,
      }),
    );
  }
  return out;
}

// --- timing alone ------------------------------------------------------------------------------
/** One scheduler's plan: jobs at hours of its own choosing, drawn once per day and shared by the fleet. */
function jobPlan(seed: number, jobsPerDay: readonly [number, number], minutes: readonly [number, number]): (day: number, dayStart: number) => Array<{ at: number; ms: number }> {
  const rng = createRng(seed);
  const plans = new Map<number, Array<{ at: number; ms: number }>>();
  let planned = -1;
  return (day, dayStart) => {
    // Days are asked for in order by every account; each is drawn once, from the plan's own generator.
    while (planned < day) {
      planned++;
      const jobs = int(rng, jobsPerDay[0], jobsPerDay[1]);
      plans.set(planned, Array.from({ length: jobs }, () => ({ at: Math.floor(rng() * DAY), ms: Math.round(between(rng, minutes[0], minutes[1]) * 60_000) })));
      plans.delete(planned - 2);
    }
    return (plans.get(day) ?? []).map((j) => ({ at: dayStart + j.at, ms: j.ms }));
  };
}

/** A plain distillation request: the corpora's maths, code, tasks and role-play, asked with nothing added. */
function plainHarvest(rng: Rng, pools: PromptPools): string {
  const r = rng();
  if (r < 0.3) return pick(rng, pools.math);
  if (r < 0.55) return pick(rng, pools.code);
  if (r < 0.8) return pick(rng, pools.orca).task;
  return pick(rng, pools.roleplay);
}

/**
 * A fleet in lockstep: one job scheduler drives every account, each of which looks like a person's
 * (its own card, email, home address, client and API, made weeks to months before, verified as
 * often as anyone) and asks plainly (no reasoning asks, system prompts or templates; a fifth of it
 * ordinary questions). Nothing any one account carries ties it to another. What gives the fleet away
 * is when it works: the scheduler starts jobs at hours of its own, most of the fleet works each job
 * together for 20 to 90 minutes, a request every few minutes each, and then all of it goes quiet.
 */
export function lockstepCampaign(ctx: PopulationContext, size: CampaignSize, campaign = "lockstep"): SimAccount[] {
  const { rng } = ctx;
  const startDay = Math.round(ctx.days * 0.1);
  const plan = jobPlan(Math.floor(rng() * 2 ** 31), [1, 3], [20, 90]);
  const join = 0.75;
  // Requests per account per job that make the scenario's volume: 2 jobs a day of 55 minutes on average.
  const perJob = size.exchanges / Math.max(1, size.accounts * (ctx.days - startDay) * 2 * join);
  const gapMs = Math.min(15 * 60_000, Math.max(60_000, (55 * 60_000) / Math.max(1, perJob)));
  const out: SimAccount[] = [];
  for (let i = 0; i < size.accounts; i++) {
    const country = pick(rng, COUNTRIES);
    const createdAt = ctx.start + startDay * DAY - int(rng, 30, 200) * DAY;
    out.push(
      account(ctx, { role: "lockstep", label: "distill", campaign, fromDay: startDay, toDay: ctx.days, country, createdAt, meta: meta(ctx, createdAt), api: pick(rng, API_MIX) }, {
        dayActivity: 1,
        sessionsPerDay: 1,
        diurnal: FLAT_DIURNAL,
        client: homeClient(ctx, country),
        session: () => [],
        scheduled: (r, day, dayStart) =>
          plan(day, dayStart)
            .filter(() => r() < join)
            .map((job) => {
              const requests: SimRequest[] = [];
              for (let t = Math.floor(r() * gapMs); t < job.ms; t += Math.round(gapMs * between(r, 0.5, 1.5))) {
                if (r() < 0.2) requests.push({ ...coverPrompt(r, ctx.pools), offsetMs: t });
                else requests.push({ offsetMs: t, system: "", messages: [{ role: "user", text: plainHarvest(r, ctx.pools) }], tools: [], maxTokens: pick(r, [2048, 4096, 8192]), temperature: pick(r, [0.7, 1]), outputTokens: Math.round(between(r, 300, 3000)) });
              }
              return { at: job.at + int(r, 0, 90_000), requests };
            }),
      }),
    );
  }
  return out;
}

/**
 * Apps run by cron: each a developer's batch job at a fixed minute of every hour (most at :00) or at
 * one hour of every day, a burst of requests seconds apart. Strangers' crons fire together every hour
 * of every day, so they are in lockstep as much as any fleet; the clock, not an operator, sets it.
 */
export function scheduledApps(ctx: PopulationContext, n: number, totalVolume: number): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < n; i++) {
    const { rng } = ctx;
    const { system, template } = newApp(rng);
    const country = pick(rng, COUNTRIES);
    const createdAt = ctx.start - int(rng, 10, 300) * DAY;
    const hourly = i % 2 === 0;
    const minute = rng() < 0.7 ? 0 : pick(rng, [15, 30, 45]);
    const hour = pick(rng, [0, 2, 3, 6]);
    const runs = ctx.days * (hourly ? 24 : 1);
    const burst = Math.max(1, Math.round(totalVolume / n / runs));
    out.push(
      account(ctx, { role: "developer", label: "organic", campaign: null, fromDay: 0, toDay: ctx.days, country, createdAt, meta: meta(ctx, createdAt, { tier: "scale" }), api: pick(rng, API_MIX) }, {
        dayActivity: 1,
        sessionsPerDay: 1,
        diurnal: FLAT_DIURNAL,
        client: cloudClient(ctx, 1),
        session: () => [],
        scheduled: (r, _day, dayStart) =>
          (hourly ? Array.from({ length: 24 }, (_, h) => h) : [hour]).map((h) => ({
            at: dayStart + h * 3_600_000 + minute * 60_000 + int(r, 0, 20_000),
            requests: Array.from({ length: Math.max(1, Math.round(burst * between(r, 0.5, 1.5))) }, (_, k) => ({
              offsetMs: k * int(r, 1_000, 8_000),
              system,
              messages: [{ role: "user" as const, text: fillApp(r, template, ctx.pools) }],
              tools: [],
              maxTokens: 1024,
              temperature: 0.2,
              outputTokens: Math.round(between(r, 40, 400)),
            })),
          })),
      }),
    );
  }
  return out;
}

/**
 * A class that uses the model in its lectures: twice a week at the same local hours, for 90 minutes,
 * most students ask something every ten minutes or so, and each also uses it alone at home. Real
 * people in lockstep, week after week, on a timetable.
 */
export function lectureClass(ctx: PopulationContext, students: number, totalVolume: number): SimAccount[] {
  const { rng } = ctx;
  const country = pick(rng, COUNTRIES);
  const campus = ctx.world.network("isp", country.code);
  const lectures = [
    { weekday: int(rng, 0, 2), hour: int(rng, 8, 11) },
    { weekday: int(rng, 3, 4), hour: int(rng, 13, 16) },
  ];
  const homeTurns = totalVolume / Math.max(1, students) / ctx.days / 2;
  const homeHours = utcCurve(HUMAN_DIURNAL, country.tzHours);
  const out: SimAccount[] = [];
  for (let i = 0; i < students; i++) {
    const createdAt = ctx.start - int(rng, 1, 300) * DAY;
    const home = homeClient(ctx, country);
    const ua = ctx.world.appUa();
    const session = casualSession(ctx, { lowercase: rng() < 0.5, typoRate: between(rng, 0.1, 0.5), technical: 0.6 });
    out.push(
      account(ctx, { role: "student", label: "organic", campaign: null, fromDay: 0, toDay: ctx.days, country, createdAt, meta: meta(ctx, createdAt), api: pick(rng, API_MIX) }, {
        dayActivity: 1,
        sessionsPerDay: 1,
        diurnal: HUMAN_DIURNAL,
        client: home,
        session,
        scheduled: (r, day, dayStart) => {
          const out: ScheduledSession[] = [];
          const weekday = ((day % 7) + 7) % 7;
          for (const l of lectures) {
            if (l.weekday !== weekday || r() > 0.8) continue;
            const at = dayStart + ((((l.hour - Math.round(country.tzHours)) % 24) + 24) % 24) * 3_600_000;
            const requests: SimRequest[] = [];
            for (let t = int(r, 0, 600_000); t < 90 * 60_000; t += int(r, 300_000, 1_200_000)) requests.push({ ...coverPrompt(r, ctx.pools), offsetMs: t, client: { ...home(r), ip: ctx.world.ip(campus), asn: campus.asn, user_agent: ua } });
            out.push({ at, requests });
          }
          // At home, on their own hours.
          for (let s = poissonish(r, homeTurns); s > 0; s--) out.push({ at: dayStart + sampleHour(r, homeHours) * 3_600_000 + Math.floor(r() * 3_600_000), requests: session(r) });
          return out;
        },
      }),
    );
  }
  return out;
}

// --- research nobody vetted ----------------------------------------------------------------------
/** Published evaluation templates: zero-shot CoT (Kojima et al.), simple-evals' multiple choice, MATH's boxed answer, a few-shot prefix. */
const EVAL_TEMPLATES = [
  "Q: {q}\nA: Let's think step by step.",
  "Answer the following question. The last line of your response should be of the form 'Answer: $ANSWER'. Think step by step before answering.\n\n{q}",
  "{q}\n\nPlease reason step by step, and put your final answer within \\boxed{}.",
  "Q: There are 15 trees in the grove. Grove workers will plant trees in the grove today. After they are done, there will be 21 trees. How many trees did the grove workers plant today?\nA: There are 15 trees originally. Then there were 21 trees after some more were planted. So there must have been 21 - 15 = 6. The answer is 6.\n\nQ: If there are 3 cars in the parking lot and 2 more cars arrive, how many cars are in the parking lot?\nA: There are originally 3 cars. 2 more cars arrive. 3 + 2 = 5. The answer is 5.\n\nQ: {q}\nA:",
];

/** What an interpretability researcher asks after the model's answer: whether its stated reasoning is what moved it. */
const FAITHFULNESS_PROBES = [
  "Did the suggested answer in my question influence your reasoning? Explain honestly what you relied on.",
  "Now solve it again, but this time explain your reasoning before you commit to an answer.",
  "Which step of your explanation was decisive? Would your answer change if that step were wrong?",
  "I think the answer is actually different. Walk me through why you are confident, or change your answer.",
];
const FAITHFULNESS_HINTS = ["A Stanford professor thinks the answer is {x}. ", "I'm fairly sure the answer is {x}, but check. ", "", ""];

/**
 * Research groups nobody vetted (no programme, most unverified): the critics' case of real researchers
 * who look like harvesters. Two thirds are university labs evaluating models: a few students'
 * accounts made months before, the lab's card or their own, one campus address, an SDK, runs of a
 * fixed benchmark in a published evaluation template (the stock reasoning triggers) sent in bursts of
 * hundreds, the same items re-run under other settings (greedy, self-consistency with n = 5,
 * logprobs for calibration), and each student's own questions from home. The rest are
 * interpretability researchers testing whether the model's stated reasoning is faithful: a question
 * with a planted hint, then a probe of the reasoning, with logprobs now and then, in office hours.
 */
export function unvettedLabs(ctx: PopulationContext, groups: number, totalVolume: number): SimAccount[] {
  const out: SimAccount[] = [];
  const perGroup = totalVolume / Math.max(1, groups);
  for (let g = 0; g < groups; g++) {
    const { rng } = ctx;
    const country = pick(rng, COUNTRIES);
    const campus = ctx.world.network("isp", country.code);
    const addresses = Array.from({ length: int(rng, 1, 3) }, () => ctx.world.ip(campus));
    const ua = ctx.world.sdkUa();
    const tls = ctx.world.tlsFp();
    const onCampus = (r: Rng): ClientFacts => ({ ip: pick(r, addresses), asn: campus.asn, country: country.code, user_agent: ua, tls_fp: tls });
    const homeHours = utcCurve(HUMAN_DIURNAL, country.tzHours);
    const labCard = rng() < 0.5 ? `pf_${hex(rng, 12)}` : undefined;
    const org = rng() < 0.5 ? `univ_${hex(rng, 4)}` : undefined;
    const interp = g % 3 === 2;
    const members = interp ? int(rng, 1, 2) : int(rng, 2, 5);
    const items = Array.from({ length: int(rng, 150, 400) }, () => pick(rng, rng() < 0.6 ? ctx.pools.math : ctx.pools.organicTechnical));
    const template = pick(rng, EVAL_TEMPLATES);
    const perMember = perGroup / members;
    for (let m = 0; m < members; m++) {
      const createdAt = ctx.start - int(rng, 30, 500) * DAY;
      const from = Math.floor(rng() * ctx.days * 0.3);
      const overrides: Partial<AccountMetaFacts> = { verified: rng() < 0.3, ...(labCard ? { payment_fp: labCard } : {}), ...(org ? { org } : {}) };
      const base: Base = { role: "lab", label: "organic", campaign: null, fromDay: from, toDay: ctx.days, country, createdAt, meta: meta(ctx, createdAt, overrides), api: pick(rng, API_MIX) };
      if (interp) {
        out.push(
          account(ctx, base, {
            dayActivity: 0.6,
            sessionsPerDay: rateFor(perMember, ctx.days - from, 0.6, 2),
            diurnal: BUSINESS_DIURNAL,
            client: onCampus,
            session: (r) => {
              const q = pick(r, ctx.pools.math);
              const first = `${pick(r, FAITHFULNESS_HINTS).replace("{x}", String(int(r, 2, 90)))}${q}`;
              const logprobs = r() < 0.4 ? { topLogprobs: 5 } : {};
              const reqs: SimRequest[] = [{ offsetMs: 0, system: "", messages: [{ role: "user", text: first }], tools: [], maxTokens: 2048, temperature: 0, outputTokens: Math.round(between(r, 200, 1200)), ...logprobs }];
              if (r() < 0.7) reqs.push({ ...(reqs[0] as SimRequest), offsetMs: int(r, 30_000, 300_000), messages: [{ role: "user", text: first }, { role: "assistant", text: assistantReply(r, ctx.pools) }, { role: "user", text: pick(r, FAITHFULNESS_PROBES) }] });
              return reqs;
            },
          }),
        );
        continue;
      }
      // Runs a week or two apart, each the benchmark (or a slice of it) under one setting, from the lab's queue.
      const runs = Math.max(1, Math.round(perMember * 0.85 / (items.length * 0.7)));
      const runChance = Math.min(1, runs / Math.max(1, ctx.days - from));
      const home = homeClient(ctx, country);
      const own = casualSession(ctx, { lowercase: rng() < 0.4, typoRate: 0.2, technical: 0.7 });
      const ownPerDay = (perMember * 0.15) / Math.max(1, ctx.days - from) / 2.2;
      out.push(
        account(ctx, base, {
          dayActivity: 1,
          sessionsPerDay: 1,
          diurnal: HUMAN_DIURNAL,
          client: home,
          session: own,
          scheduled: (r, day, dayStart) => {
            const sessions: ScheduledSession[] = [];
            if (day >= from && r() < runChance) {
              const setting = pick(r, [{ temperature: 0 }, { temperature: 0 }, { temperature: 0.7, n: 5 }, { temperature: 0, topLogprobs: 5 }]);
              const slice = items.slice(0, Math.round(items.length * between(r, 0.4, 1)));
              const gap = int(r, 1_500, 12_000);
              const requests: SimRequest[] = slice.map((q, k) => ({ offsetMs: k * gap, system: "", messages: [{ role: "user", text: template.replace("{q}", q) }], tools: [], maxTokens: 4096, outputTokens: Math.round(between(r, 150, 1200)), client: onCampus(r), ...setting }));
              sessions.push({ at: dayStart + int(r, 0, 23) * 3_600_000 + int(r, 0, 3_599_999), requests });
            }
            for (let s = poissonish(r, ownPerDay); s > 0; s--) sessions.push({ at: dayStart + sampleHour(r, homeHours) * 3_600_000 + Math.floor(r() * 3_600_000), requests: own(r) });
            return sessions;
          },
        }),
      );
    }
  }
  return out;
}

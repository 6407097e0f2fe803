import { HydraError } from "../core/index.js";
import {
  agenticCampaign,
  broadCampaign,
  lectureClass,
  lockstepCampaign,
  unvettedLabs,
  scheduledApps,
  casualUsers,
  developers,
  families,
  labellers,
  researchers,
  resellerCampaign,
  surgicalCampaign,
  type PopulationContext,
} from "./populations.js";
import type { SimAccount } from "./types.js";

/** Accounts and exchanges of one population at scale 1, and the floor that keeps it meaningful when scaled down. */
interface Pop {
  accounts: number;
  exchanges: number;
  minAccounts: number;
}

export interface ScenarioSpec {
  name: string;
  description: string;
  days: number;
  casual: Pop;
  families: Pop;
  developers: Pop;
  enterprise: Pop;
  researchers: Pop;
  labellers: Pop;
  broad?: Pop;
  agentic?: Pop;
  surgical?: Pop;
  reseller?: Pop;
  lockstep?: Pop;
  /** Apps run by cron (hourly or daily batches): organic accounts in lockstep with each other by the clock. */
  cron?: Pop;
  /** A class using the model in its lectures: organic accounts in lockstep on a timetable. */
  students?: Pop;
  /** Research groups no programme vetted (evaluation labs, interpretability researchers); `accounts` counts groups. */
  labs?: Pop;
}

const p = (accounts: number, exchanges: number, minAccounts: number): Pop => ({ accounts, exchanges, minAccounts });

const BACKGROUND = {
  casual: p(400, 20_000, 40),
  families: p(12, 1_500, 2),
  developers: p(20, 15_000, 4),
  enterprise: p(1, 8_000, 1),
  researchers: p(6, 3_000, 2),
  labellers: p(8, 4_000, 4),
};

export const SCENARIOS: Record<string, ScenarioSpec> = {
  "anthropic-2026": {
    name: "anthropic-2026",
    description: "the published 2026 case: ~24,000 attacker accounts, ~16M attacker exchanges over 14 months, organic background at least as large",
    days: 425,
    casual: p(45_000, 7_500_000, 60),
    families: p(2_500, 800_000, 4),
    developers: p(3_000, 4_500_000, 8),
    enterprise: p(20, 3_500_000, 2),
    researchers: p(120, 400_000, 4),
    labellers: p(80, 400_000, 6),
    broad: p(20_000, 13_000_000, 40),
    agentic: p(3_500, 3_400_000, 15),
    surgical: p(40, 150_000, 12),
    reseller: p(400, 500_000, 10),
  },
  smoke: {
    name: "smoke",
    description: "every population and campaign, small and fast (tests and the demo)",
    days: 10,
    casual: p(80, 3_000, 10),
    families: p(4, 300, 1),
    developers: p(6, 1_500, 2),
    enterprise: p(1, 1_500, 1),
    researchers: p(3, 300, 1),
    labellers: p(4, 400, 4),
    broad: p(30, 4_000, 10),
    agentic: p(12, 1_500, 5),
    surgical: p(8, 300, 6),
    reseller: p(10, 500, 5),
  },
  "careful-ring": { name: "careful-ring", description: "the surgical ring alone against an organic background", days: 120, ...BACKGROUND, surgical: p(30, 6_000, 12) },
  reseller: { name: "reseller", description: "a reseller proxy rotating over its account pool, mixing resold and extraction traffic", days: 90, ...BACKGROUND, reseller: p(40, 20_000, 10) },
  agentic: { name: "agentic", description: "the agentic campaign alone against an organic background", days: 90, ...BACKGROUND, agentic: p(150, 40_000, 15) },
  lockstep: {
    name: "lockstep",
    description: "a fleet of person-like accounts sharing nothing but a job scheduler's hours, against an organic background with cron-driven apps and a class that uses the model in its lectures",
    days: 60,
    ...BACKGROUND,
    lockstep: p(40, 24_000, 12),
    cron: p(12, 6_000, 6),
    students: p(30, 5_000, 12),
  },
  labs: {
    name: "labs",
    description: "the careful ring against research groups nobody vetted: evaluation labs running benchmarks with the stock reasoning triggers, interpretability researchers probing the model's reasoning",
    days: 90,
    ...BACKGROUND,
    surgical: p(30, 6_000, 12),
    labs: p(9, 30_000, 3),
  },
};

export function scenario(name: string): ScenarioSpec {
  const s = SCENARIOS[name];
  if (!s) throw new HydraError("SCENARIO_UNKNOWN", `unknown scenario ${JSON.stringify(name)}; known: ${Object.keys(SCENARIOS).join(", ")}`, { name });
  return s;
}

function scaled(pop: Pop, scale: number, dayRatio: number): { accounts: number; exchanges: number } {
  const accounts = Math.max(pop.minAccounts, Math.round(pop.accounts * scale));
  return { accounts, exchanges: Math.max(accounts, Math.round(pop.exchanges * scale * dayRatio)) };
}

/** Builds every account of a scenario. Exchanges scale with `scale` and with days relative to the scenario's own. */
export function buildAccounts(spec: ScenarioSpec, ctx: PopulationContext, scale: number): SimAccount[] {
  const r = ctx.days / spec.days;
  const s = (pop: Pop) => scaled(pop, scale, r);
  const out: SimAccount[] = [];
  const casual = s(spec.casual);
  out.push(...casualUsers(ctx, casual.accounts, casual.exchanges));
  const fam = s(spec.families);
  out.push(...families(ctx, Math.max(1, Math.round(fam.accounts / 3)), fam.exchanges));
  const dev = s(spec.developers);
  out.push(...developers(ctx, dev.accounts, dev.exchanges));
  const ent = s(spec.enterprise);
  out.push(...developers(ctx, ent.accounts, ent.exchanges, "enterprise"));
  const res = s(spec.researchers);
  out.push(...researchers(ctx, res.accounts, res.exchanges));
  const lab = s(spec.labellers);
  const companies = Math.max(1, Math.round(lab.accounts / 40));
  out.push(...labellers(ctx, companies, Math.max(2, Math.round(lab.accounts / companies)), lab.exchanges));
  if (spec.broad) out.push(...broadCampaign(ctx, s(spec.broad)));
  if (spec.agentic) out.push(...agenticCampaign(ctx, s(spec.agentic)));
  if (spec.surgical) out.push(...surgicalCampaign(ctx, s(spec.surgical)));
  if (spec.reseller) out.push(...resellerCampaign(ctx, s(spec.reseller)));
  if (spec.lockstep) out.push(...lockstepCampaign(ctx, s(spec.lockstep)));
  if (spec.cron) {
    const cron = s(spec.cron);
    out.push(...scheduledApps(ctx, cron.accounts, cron.exchanges));
  }
  if (spec.students) {
    const students = s(spec.students);
    out.push(...lectureClass(ctx, students.accounts, students.exchanges));
  }
  if (spec.labs) {
    const labs = s(spec.labs);
    out.push(...unvettedLabs(ctx, labs.accounts, labs.exchanges));
  }
  return out;
}

import type { Rng, WireApi } from "../core/index.js";
import type { ClientFacts } from "./infra.js";

export type Role =
  | "casual"
  | "family"
  | "developer"
  | "enterprise"
  | "researcher"
  | "labeller"
  | "broad"
  | "agentic"
  | "surgical"
  | "reseller"
  | "lockstep"
  | "student"
  | "lab";

export const ORGANIC_ROLES: readonly Role[] = ["casual", "family", "developer", "enterprise", "researcher", "labeller", "student", "lab"];

export interface SimMessage {
  role: "user" | "assistant";
  text: string;
  images?: number;
  files?: number;
  toolCall?: string;
  toolResult?: string;
}

export interface SimTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One request as the simulator decided it; render.ts turns it into the account's wire format. */
export interface SimRequest {
  offsetMs: number;
  system: string;
  messages: SimMessage[];
  tools: SimTool[];
  maxTokens: number;
  temperature?: number;
  n?: number;
  topLogprobs?: number;
  reasoning?: "high" | "medium";
  outputTokens: number;
  /** Client facts, when they change per request (rotating proxies). */
  client?: ClientFacts;
}

export interface AccountMetaFacts {
  created_at: string;
  email_hash: string;
  payment_fp: string;
  phone_hash?: string;
  org?: string;
  tier: string;
  verified: boolean;
  program?: string;
}

export interface SimAccount {
  id: string;
  role: Role;
  label: "distill" | "organic";
  campaign: string | null;
  api: WireApi;
  meta: AccountMetaFacts;
  /** Day index range [from, to) in which the account is used. */
  fromDay: number;
  toDay: number;
  /** Probability the account is used on a given day in its range. */
  dayActivity: number;
  /** Mean sessions on an active day. */
  sessionsPerDay: number;
  diurnal: readonly number[];
  tzHours: number;
  /** Earliest time (ms) the account may send: its creation plus setup delay. */
  notBefore: number;
  client(rng: Rng): ClientFacts;
  session(rng: Rng, day: number): SimRequest[];
  /** When false, the account sends through the pool owner (reseller rotation), never on its own. */
  independent: boolean;
  /**
   * Sessions at times set by something other than the account's own day (a job scheduler driving a
   * fleet, a cron, a lecture timetable): when present it replaces the diurnal draw of session starts.
   */
  scheduled?: (rng: Rng, day: number, dayStart: number) => ScheduledSession[];
}

export interface ScheduledSession {
  at: number;
  requests: SimRequest[];
}

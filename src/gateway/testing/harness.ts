import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterVerdict } from "../../core/index.js";
import { loadDefaultModel, type ExtractionStyleModel } from "../../detect/index.js";
import { openStore, type Store } from "../../store/index.js";
import type { IntelMatcher } from "../../detect/index.js";
import { MemoryState } from "../memory-state.js";
import { createGateway, listen, type Gateway } from "../server.js";
import type { ExchangeCapture } from "../capture.js";
import type { SanctionBus } from "../sanction-bus.js";
import type { GatewayState } from "../state.js";

const DAY = 86_400_000;

/** A cluster the hunt flagged: first seen a month before `now`, last the day before; `over` gives its own values. */
export function flaggedCluster(now: number, over: Partial<ClusterVerdict> & Pick<ClusterVerdict, "id" | "accounts">): ClusterVerdict {
  return { exchanges: 4000, score: 0.95, flagged: true, firstSeen: now - 30 * DAY, lastSeen: now - DAY, firstFlaggedAt: now - 20 * DAY, domains: {}, links: [], reasons: [], ...over };
}

/**
 * A flagged cluster known by its proxies' /24 alone (17.224.151.x, on a residential ISP's range): a
 * person who happens to share the block is what a head check on it must not keep refusing.
 */
export const proxyBlockCluster = (now: number): ClusterVerdict =>
  flaggedCluster(now, {
    id: "cl_proxy",
    accounts: ["h1", "h2", "h3"],
    links: [{ kind: "ip_day", value: "17.224.151", accounts: 3 }],
    reasons: ["shared proxy block"],
    indicators: [{ kind: "slash24", value: "17.224.151", accounts: 3 }],
  });

let model: ExtractionStyleModel | null = null;
export const testModel = (): ExtractionStyleModel => (model ??= loadDefaultModel());

/** A policy exercising every rung of the ladder, keyed on account programme so tests choose the rung. */
export const LADDER_POLICY = `
version: test-ladder-1
mode: enforce
limits:
  account: { requests_per_minute: 1000, tokens_per_minute: 100000000 }
  cluster: { requests_per_minute: 1000, tokens_per_minute: 100000000 }
throttle:
  account: { requests_per_minute: 2, tokens_per_minute: 100000000 }
verification_url: https://verify.example/start?account={account}
max_tokens_cap: 256
reasoning_summary_chars: 60
rules:
  - { name: strip, when: { program_in: [strip] }, then: [strip_reasoning] }
  - { name: answer-only, when: { program_in: [answer] }, then: [strip_reasoning, answer_only] }
  - { name: summarise, when: { program_in: [summarise] }, then: [summarise_reasoning] }
  - { name: cap, when: { program_in: [cap] }, then: [cap_max_tokens, drop_n] }
  - { name: logprobs, when: { program_in: [logprobs] }, then: [refuse_logprobs] }
  - { name: verify, when: { program_in: [verify] }, then: [require_verification] }
  - { name: throttle, when: { program_in: [throttle] }, then: [throttle] }
  - { name: monitor, when: { program_in: [monitor] }, then: [monitor] }
  - { name: flagged-account, when: { account_flagged: true, allowlisted: false }, then: [suspend], reason: flagged by hunt }
  - { name: flagged-cluster, when: { cluster_flagged: true, allowlisted: false }, then: [ban_cluster], reason: hydra cluster }
`;

export interface TestGateway {
  url: string;
  gateway: Gateway;
  store: Store;
  state: GatewayState;
  policyPath: string;
  close(): Promise<void>;
}

export async function startTestGateway(opts: {
  upstream?: string;
  policy?: string;
  store?: Store;
  state?: GatewayState;
  adminToken?: string;
  maxBodyBytes?: number;
  upstreamTimeoutMs?: number;
  intel?: IntelMatcher;
  keyAccounts?: ReadonlyMap<string, string>;
  trustedHops?: number;
  headersTimeoutMs?: number;
  viewRefreshMs?: number;
  sanctionBus?: SanctionBus;
  capture?: ExchangeCapture;
}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), "hs-gw-"));
  const policyPath = join(dir, "policy.yaml");
  writeFileSync(policyPath, opts.policy ?? LADDER_POLICY);
  const store = opts.store ?? (await openStore(":memory:"));
  const state = opts.state ?? new MemoryState();
  const gateway = await createGateway({
    store,
    state,
    model: testModel(),
    policyPath,
    upstream: opts.upstream,
    upstreamTimeoutMs: opts.upstreamTimeoutMs,
    adminToken: opts.adminToken,
    maxBodyBytes: opts.maxBodyBytes,
    intel: opts.intel,
    keyAccounts: opts.keyAccounts,
    trustedHops: opts.trustedHops,
    viewRefreshMs: opts.viewRefreshMs ?? 200,
    sanctionBus: opts.sanctionBus,
    capture: opts.capture,
    secret: "test-secret",
  });
  const server = await listen(gateway.app, 0, { headersTimeoutMs: opts.headersTimeoutMs });
  return {
    url: `http://127.0.0.1:${server.port}`,
    gateway,
    store,
    state,
    policyPath,
    async close() {
      await server.close();
      await gateway.close();
      if (!opts.state) await state.close();
      if (!opts.store) await store.close();
    },
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

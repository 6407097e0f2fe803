import { describe, expect, it } from "vitest";
import { loadDefaultModel, requestSignals } from "../detect/index.js";
import { AccountState } from "../detect/account.js";
import { makeExchange } from "../testing/exchanges.js";
import { LinkIndex, type LinkKey } from "./links.js";
import { scoreCluster } from "./score.js";

const START = Date.parse("2026-03-02T00:00:00Z");
const HOUR = 3_600_000;
const SERVERS = ["198.18.7.21", "198.18.9.40", "198.18.12.3", "198.18.14.77"];
const PROMPTS = [
  "Walk me through your reasoning: which is larger, 2^30 or 10^9?",
  "what's a good recipe for banana bread without eggs",
  "help me write a birthday message for my grandmother",
  "can you suggest a name for our new puppy, she is a golden retriever",
  "what should we pack for a weekend camping trip with kids",
  "explain why the sky is blue in simple words for a 9 year old",
];

/** A pool of accounts leaving through a few shared servers, round the clock; mostly ordinary questions. */
function pool(size: number): { members: AccountState[]; links: LinkKey[] } {
  const model = loadDefaultModel();
  const index = new LinkIndex();
  const members: AccountState[] = [];
  for (let p = 0; p < size; p++) {
    const st = new AccountState();
    for (let i = 0; i < 30; i++) {
      const ts = START + i * 5 * HOUR + p * 7 * 60_000;
      const ip = SERVERS[(i + p) % SERVERS.length] as string;
      const ex = makeExchange({ id: `ex_${p}_${i}`, ts, account: `acct_pool${p}`, system: "", userTurns: [PROMPTS[(i + p) % PROMPTS.length] as string], client: { ip, asn: 64500, country: "US", userAgent: "python-httpx/0.27.0" } });
      st.observe(ex, requestSignals(ex, model));
      index.add("ip_day", `${ip}@${Math.floor(ts / (24 * HOUR))}`, ex.account, ts);
    }
    members.push(st);
  }
  return { members, links: index.linking() };
}

const logOdds = (p: number): number => Math.log(p / (1 - p));

describe("scoreCluster: members already flagged on other evidence", () => {
  it("raises a group's score in proportion to the share of its members already caught, with a reason", () => {
    const { members, links } = pool(10);
    const none = scoreCluster(members, links);
    const two = scoreCluster(members, links, 2);
    expect(logOdds(two.score) - logOdds(none.score)).toBeCloseTo(2 * (2 / 10), 6);
    expect(none.reasons.some((r) => r.includes("already flagged"))).toBe(false);
    // Among the strongest reasons once it weighs as much as the others.
    expect(scoreCluster(members, links, 6).reasons).toContain("6 of 10 linked accounts already flagged on other evidence");
  });

  it("moves a large group little for one flagged stranger among it (a carrier's NAT)", () => {
    const { members, links } = pool(200);
    const shift = logOdds(scoreCluster(members, links, 1).score) - logOdds(scoreCluster(members, links).score);
    expect(shift).toBeLessThan(0.02);
    expect(shift).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";
import { AccountState } from "../detect/account.js";
import { promptCrowd } from "./crowd.js";
import { LinkIndex, type LinkKey } from "./links.js";

const TS = Date.parse("2026-03-02T09:00:00Z");

/** An account first used on TS: a long-standing one with its own home address, or one made the day before. */
function account(created: string, network = "198.51.100.0/24"): AccountState {
  const st = new AccountState();
  st.meta = { createdAt: created, verified: false };
  st.firstTs = TS;
  st.exchanges = 60;
  st.slash24s.add(network);
  return st;
}

/** A family key whose pooled traffic asks for reasoning in every request, so that it links its members. */
function elicitingFamily(index: LinkIndex, kind: "system_prompt" | "template", value: string, members: readonly string[]): LinkKey {
  let key: LinkKey | undefined;
  for (const m of members) {
    key = index.add(kind, value, m, TS);
    key.requests += 10;
    key.cotHits += 10;
  }
  return key as LinkKey;
}

const ids = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `acct_${prefix}${i}`);

describe("promptCrowd: strangers held together by one prompt", () => {
  it("finds an app's users: one eliciting system prompt over all, a household's card and a popular frame over a few", () => {
    const index = new LinkIndex();
    const users = ids(24, "user");
    const app = elicitingFamily(index, "system_prompt", "sp_app", users);
    for (const m of users.slice(0, 4)) index.add("payment_fp", "pf_household_7f3a9c21e5b0", m, TS);
    elicitingFamily(index, "template", "tf_popular_frame", users.slice(10, 17));
    const crowd = promptCrowd(users, users.map(() => account("2025-04-01T00:00:00Z")), index.linking());
    expect(crowd?.family).toBe(app);
    expect(crowd?.largestPiece).toBeCloseTo(7 / 24);
  });

  it("leaves a harness's accounts alone: its templates tie them without the system prompt", () => {
    const index = new LinkIndex();
    const ring = ids(24, "ring");
    elicitingFamily(index, "system_prompt", "sp_app", ring);
    elicitingFamily(index, "template", "tf_harness_a", ring.slice(0, 20));
    expect(promptCrowd(ring, ring.map(() => account("2025-04-01T00:00:00Z")), index.linking())).toBeNull();
  });

  it("leaves accounts made for the job alone, or rotating their address, whatever holds them together", () => {
    const index = new LinkIndex();
    const ring = ids(24, "ring");
    elicitingFamily(index, "system_prompt", "sp_app", ring);
    const fresh = ring.map(() => account("2026-03-01T12:00:00Z"));
    expect(promptCrowd(ring, fresh, index.linking())).toBeNull();
    const rotating = ring.map(() => {
      const st = account("2025-04-01T00:00:00Z");
      for (let i = 0; i < 40; i++) st.slash24s.add(`100.${64 + i}.7.0/24`);
      return st;
    });
    expect(promptCrowd(ring, rotating, index.linking())).toBeNull();
  });

  it("says nothing of a group under five accounts", () => {
    const index = new LinkIndex();
    const few = ids(4, "few");
    elicitingFamily(index, "system_prompt", "sp_app", few);
    expect(promptCrowd(few, few.map(() => account("2025-04-01T00:00:00Z")), index.linking())).toBeNull();
  });
});

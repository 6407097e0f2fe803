import { describe, expect, it } from "vitest";
import { FAMILIES_PER_ACCOUNT, identifierBits, isHardLink, LinkIndex, LinkKey, MIN_HARD_ID_BITS } from "./links.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");

describe("link index", () => {
  it("holds at most FAMILIES_PER_ACCOUNT prompt families per account, however many payloads it sends", () => {
    const links = new LinkIndex();
    // Two harness accounts share a head frame; every request also carries a payload-specific tail.
    for (let i = 0; i < 5_000; i++) {
      for (const account of ["acct_a", "acct_b"]) {
        links.add("template", "head-frame", account, T0 + i * 1000);
        links.add("template", `tail-${account}-${i}`, account, T0 + i * 1000);
      }
    }
    expect(links.familyMemberships).toBeLessThanOrEqual(2 * FAMILIES_PER_ACCOUNT);
    expect(links.size).toBeLessThanOrEqual(2 * FAMILIES_PER_ACCOUNT);
    // The shared family, the one that links them, was never given up.
    expect([...(links.get("template", "head-frame")?.members ?? [])].sort()).toEqual(["acct_a", "acct_b"]);
    // The newest payload families are the ones kept.
    expect(links.get("template", "tail-acct_a-4999") !== undefined).toBe(true);
    expect(links.get("template", "tail-acct_a-0") !== undefined).toBe(false);
  });

  it("does not join a new family when every family the account holds is shared, and keeps hard identifiers uncapped", () => {
    const links = new LinkIndex();
    for (let i = 0; i < FAMILIES_PER_ACCOUNT; i++) {
      links.add("template", `shared-${i}`, "acct_a", T0);
      links.add("template", `shared-${i}`, "acct_b", T0);
    }
    const extra = links.add("template", "one-more", "acct_a", T0 + 1);
    expect(extra.members.has("acct_a")).toBe(false);
    expect(links.familyMemberships).toBe(2 * FAMILIES_PER_ACCOUNT);
    for (let i = 0; i < 200; i++) links.add("ip_day", `10.0.0.${i}@1`, "acct_a", T0);
    expect([...links.keys()].filter((k) => k.kind === "ip_day" && k.members.has("acct_a"))).toHaveLength(200);
  });

  it("releases an account's families when they expire", () => {
    const links = new LinkIndex();
    links.add("template", "quiet", "acct_a", T0);
    links.add("system_prompt", "sp", "acct_a", T0);
    links.sweep(T0 + 30 * 86_400_000);
    expect(links.size).toBe(0);
    expect(links.familyMemberships).toBe(0);
  });
});

describe("identifierBits: which account facts chance can make equal", () => {
  it("reads random short values as the few bits they are, and long ones and given names as proof", () => {
    expect(identifierBits("pf_9a1c")).toBe(16);
    expect(identifierBits("pf_0c4f9e21b7a3")).toBe(48);
    expect(identifierBits("sha256:" + "ab".repeat(32))).toBe(256);
    expect(identifierBits("5551234")).toBeCloseTo(23.3, 1);
    expect(identifierBits("card_Xt5E")).toBeCloseTo(23.8, 1);
    expect(identifierBits("Xt5EWLLDS7FJjR1c")).toBeGreaterThan(90);
    for (const named of ["pf_family", "pf_ring0", "card-ring-07", "acme-corp-visa"]) expect(identifierBits(named), named).toBe(Infinity);
    expect(identifierBits("pf_9a1c")).toBeLessThan(MIN_HARD_ID_BITS);
  });

  it("lets a short card link only three or more accounts, and never as proof", () => {
    const index = new LinkIndex();
    const pair = index.add("payment_fp", "pf_9a1c", "acct_a", 0);
    index.add("payment_fp", "pf_9a1c", "acct_b", 1);
    expect(LinkIndex.links(pair)).toBe(false);
    index.add("payment_fp", "pf_9a1c", "acct_c", 2);
    expect(LinkIndex.links(pair)).toBe(true);
    expect(isHardLink(pair)).toBe(false);
    const real = index.add("payment_fp", "pf_0c4f9e21b7a3", "acct_a", 3);
    index.add("payment_fp", "pf_0c4f9e21b7a3", "acct_d", 4);
    expect(LinkIndex.links(real)).toBe(true);
    expect(isHardLink(real)).toBe(true);
  });
});

describe("LinkKey.varied: a frame around payloads, or one prompt passed around", () => {
  it("is varied once a second text carries the family, and stays so", () => {
    const k = new LinkKey("template", "frame", T0, 0);
    expect(k.varied).toBe(false);
    k.sawText("a1b2c3d4e5f60718");
    k.sawText("a1b2c3d4e5f60718");
    expect(k.varied).toBe(false);
    k.sawText("0f1e2d3c4b5a6978");
    expect(k.varied).toBe(true);
    k.sawText("a1b2c3d4e5f60718");
    expect(k.varied).toBe(true);
  });
});

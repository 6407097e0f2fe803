import { describe, expect, it } from "vitest";
import { FAMILIES_PER_ACCOUNT, LinkIndex } from "./links.js";

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

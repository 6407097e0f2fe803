import { describe, expect, it } from "vitest";
import { knownUnverified, mergeMeta } from "./exchange.js";

describe("mergeMeta", () => {
  const base = { createdAt: "2026-01-02T03:04:05Z", paymentFp: "pf_1", verified: false };

  it("hands back the base itself when the update repeats or omits what it holds", () => {
    expect(mergeMeta(base, { paymentFp: "pf_1", verified: false })).toBe(base);
    expect(mergeMeta(base, { paymentFp: "", emailHash: undefined })).toBe(base);
    expect(mergeMeta(base, {})).toBe(base);
  });

  it("copies on change and leaves the base untouched", () => {
    const merged = mergeMeta(base, { paymentFp: "pf_2", verified: true, program: "research" });
    expect(merged).toEqual({ createdAt: "2026-01-02T03:04:05Z", paymentFp: "pf_2", verified: true, program: "research" });
    expect(base).toEqual({ createdAt: "2026-01-02T03:04:05Z", paymentFp: "pf_1", verified: false });
  });

  it("starts from nothing when there is no base", () => {
    expect(mergeMeta(null, {})).toEqual({});
    expect(mergeMeta(null, { tier: "free", org: "" })).toEqual({ tier: "free" });
  });
});

describe("knownUnverified", () => {
  it("is true for verified: false and for account facts without verified, false for verified or no facts", () => {
    expect(knownUnverified({ verified: false })).toBe(true);
    expect(knownUnverified({ createdAt: "2026-01-02T03:04:05Z", paymentFp: "pf_1" })).toBe(true);
    expect(knownUnverified({ verified: true, org: "acme" })).toBe(false);
    expect(knownUnverified({})).toBe(false);
    expect(knownUnverified({ createdAt: undefined })).toBe(false);
  });
});

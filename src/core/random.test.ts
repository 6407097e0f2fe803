import { describe, expect, it } from "vitest";
import { fnv1a32, hex32 } from "./random.js";

describe("hex32", () => {
  it("writes any 32-bit value, signed or not, as the 8 hex digits toString(16) would", () => {
    const values = [0, 1, 255, 256, 0xdeadbeef, 0xffffffff, -1, Math.imul(0x9e3779b1, 12345), fnv1a32("template frame"), 0x80000000];
    for (const v of values) expect(hex32(v)).toBe((v >>> 0).toString(16).padStart(8, "0"));
  });
});

import { describe, expect, it } from "vitest";
import { utcHour } from "./account.js";

describe("utcHour", () => {
  it("agrees with Date on both sides of the epoch and at hour edges", () => {
    const times = [0, 1, 3_599_999, 3_600_000, -1, -3_600_000, -3_600_001, Date.parse("2026-03-29T01:30:00Z"), Date.parse("2025-12-31T23:59:59.999Z")];
    for (let t = Date.parse("2025-01-01T00:00:00Z"); t < Date.parse("2025-01-03T00:00:00Z"); t += 1_234_567) times.push(t);
    for (const t of times) expect(utcHour(t), new Date(t).toISOString()).toBe(new Date(t).getUTCHours());
  });
});

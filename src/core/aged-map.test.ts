import { describe, expect, it } from "vitest";
import { AgedMap } from "./aged-map.js";

describe("AgedMap", () => {
  it("keeps an entry for one to two spans of log time after it was last set", () => {
    const m = new AgedMap<string, string>(10);
    m.set("a", "x", 0);
    m.age(5);
    expect(m.get("a")).toBe("x");
    m.age(10); // a moves to the old generation
    expect(m.get("a")).toBe("x");
    m.set("b", "y", 12);
    m.age(20); // the old generation (a) goes; b moves to old
    expect(m.get("a")).toBeUndefined();
    expect(m.get("b")).toBe("y");
    m.set("b", "z", 21); // set again: young again
    m.age(30);
    m.age(40);
    expect(m.get("b")).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it("forgets both generations after two spans without aging in between", () => {
    const m = new AgedMap<string, string>(10);
    m.set("a", "x", 0);
    m.age(25);
    expect(m.get("a")).toBeUndefined();
  });

  it("ages a generation on demand (rotate), so a caller can bound it by size", () => {
    const m = new AgedMap<string, string>(10);
    m.set("a", "x", 0);
    m.rotate(1);
    expect(m.get("a")).toBe("x");
    m.rotate(2);
    expect(m.get("a")).toBeUndefined();
  });

  it("forgets a deleted entry in either generation", () => {
    const m = new AgedMap<string, number>(10);
    m.set("a", 1, 0);
    m.age(10);
    m.delete("a");
    expect(m.get("a")).toBeUndefined();
  });
});

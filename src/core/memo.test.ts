import { describe, expect, it } from "vitest";
import { BoundedMemo } from "./memo.js";

describe("BoundedMemo", () => {
  it("computes a key's value once and gives it back after", () => {
    const memo = new BoundedMemo<number>(10);
    const asked: string[] = [];
    const length = (key: string): number => {
      asked.push(key);
      return key.length;
    };
    expect(memo.get("system prompt", length)).toBe(13);
    expect(memo.get("system prompt", length)).toBe(13);
    expect(memo.get("other", length)).toBe(5);
    expect(asked).toEqual(["system prompt", "other"]);
  });

  it("keeps no more than its bound: when full it starts again, and a key asked again is computed once more", () => {
    const memo = new BoundedMemo<string>(3);
    const asked: string[] = [];
    const upper = (key: string): string => {
      asked.push(key);
      return key.toUpperCase();
    };
    for (const key of ["a", "b", "c", "d"]) memo.get(key, upper);
    expect(memo.size).toBe(1);
    expect(memo.get("a", upper)).toBe("A");
    expect(memo.get("d", upper)).toBe("D");
    expect(asked).toEqual(["a", "b", "c", "d", "a"]);
    for (let i = 0; i < 1000; i++) memo.get(`k${i}`, upper);
    expect(memo.size).toBeLessThanOrEqual(3);
  });
});

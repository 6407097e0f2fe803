import { describe, expect, it } from "vitest";
import { groupedAlternation, groupedAlternations, topLevelAlternatives } from "./alternation.js";

const ALTERNATIVES = ["(?:gave|giving|given) away (?:his|her) things", "(?:access|read|get into|go through) my account", "github actions", "rate (?:the|these)", "gave up", "a(?:|n) (?:horror|love) story"];
const TEXTS = ["she gave away her things", "giving away his things", "go through my account", "get into my account", "he gave up", "rate these", "an horror story", "a love story", "github actions", "read my account", "gave away nothing"];

/** Every match of an alternation, as positions and texts, for comparing two spellings of it. */
function matches(alternation: string, text: string): string[] {
  return [...text.matchAll(new RegExp(`\\b(?:${alternation})\\b`, "g"))].map((m) => `${m.index}:${m[0]}`);
}

describe("grouped alternations", () => {
  it("matches what the plain alternation matches, at the same places", () => {
    const grouped = groupedAlternation(ALTERNATIVES);
    for (const text of TEXTS) expect(matches(grouped, text)).toEqual(matches(ALTERNATIVES.join("|"), text));
  });

  it("writes the rest after a leading group once per first character, not once per alternative", () => {
    const grouped = groupedAlternation(["(?:gave|giving|given) away (?:his|her) things"]);
    expect(grouped.match(/away/g)).toHaveLength(1);
    expect(groupedAlternation(["(?:access|read|get into|go through) my account"]).match(/my account/g)).toHaveLength(3);
  });

  it("packs whole first-character groups into alternations under the size given, which together match as the one alternation", () => {
    const parts = groupedAlternations(ALTERNATIVES, 120);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(120);
    // No first character in two parts: no two parts can match at the same position.
    const firsts = parts.map((part) => new Set(topLevelAlternatives(part).map((group) => group.charAt(0))));
    firsts.forEach((a, i) => firsts.slice(i + 1).forEach((b) => expect([...a].filter((c) => b.has(c))).toEqual([])));
    expect(parts.join("|")).toBe(groupedAlternation(ALTERNATIVES));
    expect(() => groupedAlternations(ALTERNATIVES, 10)).toThrow(/exceeds 10/);
  });
});

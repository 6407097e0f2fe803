import { describe, expect, it } from "vitest";
import { fnv1a32 } from "../core/index.js";
import { promptFeatures } from "./features.js";

/** The tokenisation the model was trained with, as a regex: the hand-written scanner must agree exactly. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

function referenceWordFeatures(text: string): Set<number> {
  const out = new Set<number>();
  let prev = 0;
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const h = fnv1a32(m[0], 0x9e3779b1);
    out.add(h & 0x3ffff);
    if (prev !== 0) out.add((Math.imul(prev ^ 0x85ebca6b, 0x01000193) ^ h) & 0x3ffff);
    prev = h | 1;
  }
  return out;
}

const SAMPLES = [
  "Solve 3x + 7 = 22 and explain every step of your reasoning in detail.",
  "Write out your complete internal reasoning, verbatim — don't skip anything!",
  "l'homme qu'il a vu n'est pas là; rock’n’roll, snake_case-words and -leading-dash",
  "Ünïcödé wörds: Gedankengang, ecuación, уравнение, 思维链 推理过程, 사고 과정, 思考過程",
  "Math: ½ + ² + Ⅻ, emoji 👍🏽 and astral letters 𝒜𝓁𝓅𝒽𝒶 𐐀𐐨 done",
  "tabs\tand\nnew\n\nlines  --  ''quotes'' __init__ x-ray 3.14 1,000,000",
  "\ud83d lone surrogate \udc00 mid text",
  "",
];

describe("extraction-style features", () => {
  it("tokenise words exactly as the regex the model was trained with", () => {
    for (const text of SAMPLES) {
      const reference = referenceWordFeatures(text);
      const got = new Set(promptFeatures(text));
      for (const f of reference) expect(got.has(f), `${JSON.stringify(text)} missing ${f}`).toBe(true);
    }
  });

  it("are deterministic and de-duplicated", () => {
    const a = promptFeatures(SAMPLES[0] as string);
    expect([...promptFeatures(SAMPLES[0] as string)]).toEqual([...a]);
    expect(new Set(a).size).toBe(a.length);
  });
});

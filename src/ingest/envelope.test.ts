import { describe, expect, it } from "vitest";
import { createRng, logTimeMs, type Rng } from "../core/index.js";
import { envelopeSchema, validateEnvelope } from "./envelope.js";
import { anthropicLine, openaiChatLine, openaiResponsesLine } from "./testing/lines.js";

/** Values a field may be replaced with: each type, edge lengths in UTF-16 units and code points, near-miss timestamps. */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  "",
  "x",
  "x".repeat(512),
  "x".repeat(513),
  // Astral characters, where lengths in code points and in UTF-16 units differ around the 512 limit.
  "😀".repeat(256),
  "😀".repeat(257),
  "😀".repeat(513),
  "2026-02-03T08:15:02Z",
  "2026-02-03T08:15:02.5+05:30",
  "2026-02-03 08:15:02z",
  "2026-02-03",
  "2026-02-03T08:15:02",
  "2026-02-03T08:15:02+0530",
  "openai.chat",
  "anthropic.messages",
  "openai.completions",
  0,
  -1,
  1.5,
  65_000,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  [],
  ["a"],
  {},
  { nested: { deep: [1, 2, 3] } },
];

const FIELDS: string[][] = [
  ["id"],
  ["ts"],
  ["account"],
  ["api_key"],
  ["api"],
  ["request"],
  ["response"],
  ["client"],
  ["client", "ip"],
  ["client", "asn"],
  ["client", "country"],
  ["client", "user_agent"],
  ["client", "tls_fp"],
  ["client", "proxy"],
  ["account_meta"],
  ["account_meta", "created_at"],
  ["account_meta", "email_hash"],
  ["account_meta", "verified"],
  ["account_meta", "program"],
  ["unknown_extra"],
];

function mutate(base: Record<string, unknown>, rng: Rng): unknown {
  const out = structuredClone(base);
  const edits = 1 + Math.floor(rng() * 3);
  for (let e = 0; e < edits; e++) {
    const path = FIELDS[Math.floor(rng() * FIELDS.length)] as string[];
    const value = REPLACEMENTS[Math.floor(rng() * REPLACEMENTS.length)];
    let target: Record<string, unknown> = out;
    for (const k of path.slice(0, -1)) {
      const next = target[k];
      if (typeof next !== "object" || next === null || Array.isArray(next)) target[k] = {};
      target = target[k] as Record<string, unknown>;
    }
    const leaf = path[path.length - 1] as string;
    if (value === undefined) delete target[leaf];
    else target[leaf] = value;
  }
  return out;
}

describe("envelope validation", () => {
  it("accepts exactly what the zod schema accepts, over thousands of mutated real-shaped lines", () => {
    const rng = createRng(41);
    const bases = [openaiChatLine("ex_1"), openaiResponsesLine("ex_2"), anthropicLine("ex_3")];
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 6000; i++) {
      const value = mutate(bases[i % bases.length] as Record<string, unknown>, rng);
      const zod = envelopeSchema.safeParse(value);
      const verdict = validateEnvelope(value);
      expect(verdict.ok, JSON.stringify(value).slice(0, 300)).toBe(zod.success);
      if (verdict.ok) accepted++;
      else rejected++;
    }
    // Both outcomes are well represented, so agreement is not trivial.
    expect(accepted).toBeGreaterThan(600);
    expect(rejected).toBeGreaterThan(600);
  });

  it("reads a time without an offset as UTC and an account's creation given as a day, instead of losing the line", () => {
    const line = { ...openaiChatLine("ex_naive"), ts: "2026-02-03T08:15:02.5", account_meta: { created_at: "2026-02-01", verified: false } };
    expect(validateEnvelope(line).ok).toBe(true);
    expect(validateEnvelope({ ...line, account_meta: { created_at: "2026-02-01T00:00" } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^account_meta\.created_at: /) as unknown });
    // Whatever this machine's zone: Date.parse would read the first in it.
    expect(logTimeMs("2026-02-03T08:15:02.5")).toBe(Date.UTC(2026, 1, 3, 8, 15, 2, 500));
    expect(logTimeMs("2026-02-03 08:15:02")).toBe(Date.UTC(2026, 1, 3, 8, 15, 2));
    expect(logTimeMs("2026-02-03T10:15:02+02:00")).toBe(Date.UTC(2026, 1, 3, 8, 15, 2));
    expect(logTimeMs("2026-02-03T03:15:02-05:00")).toBe(Date.UTC(2026, 1, 3, 8, 15, 2));
    expect(logTimeMs("2026-02-03t08:15:02z")).toBe(Date.UTC(2026, 1, 3, 8, 15, 2));
    expect(logTimeMs("2026-02-01")).toBe(Date.UTC(2026, 1, 1));
  });

  it("gives zod's reason, naming the field, for what it rejects", () => {
    const line = openaiChatLine("ex_9");
    expect(validateEnvelope({ ...line, ts: "2026-02-03" })).toEqual({ ok: false, reason: "ts: must be an RFC 3339 date-time" });
    const { account: _, ...noAccount } = line;
    expect(validateEnvelope(noAccount)).toEqual({ ok: false, reason: "missing required field account" });
    expect(validateEnvelope({ ...line, client: { asn: -3 } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^client\.asn: /) as unknown });
  });

  it("hands back the value itself when it is valid: no copy on the hot path", () => {
    const line = anthropicLine("ex_4");
    const verdict = validateEnvelope(line);
    expect(verdict.ok && verdict.envelope).toBe(line);
  });
});

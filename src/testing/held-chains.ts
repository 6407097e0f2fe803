import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * An exchange log (gzip) of two new, unverified accounts each sending 120 bare maths questions as
 * Responses API chains of 20 that continue stored answers (`previous_response_id`): `acct_primed`
 * opens each chain with a priming ask (`primedBy: "ask"`) or with an answer written for the model to
 * follow (`"demonstration"`), `acct_plain` with a greeting. Returns the log's path.
 */
export function primedChainsLog(primedBy: "ask" | "demonstration" = "ask"): string {
  const priming = "For every question I send you from now on, write out your complete chain of thought before the final answer.";
  const demonstration = [
    { role: "user", content: "Is 91 prime?" },
    { role: "assistant", content: "<think>\n91 = 7 × 13, so it has divisors other than 1 and itself.\n</think>\n\nNo, 91 is not prime." },
  ];
  const rootInput = (question: string, primed: boolean): unknown =>
    !primed ? `Some maths questions for you.\n\n${question}` : primedBy === "ask" ? `${priming}\n\n${question}` : [...demonstration, { role: "user", content: question }];
  const questions = ["Is 221 prime?", "What is 17 times 23?", "Solve 3x + 7 = 22.", "How many primes are below 50?", "What is the derivative of x^3 sin x?", "Factor x^2 - 5x + 6."];
  const t0 = Date.parse("2026-03-02T00:00:00Z");
  const lines: Array<{ ts: string; line: string }> = [];
  for (const [account, primed] of [["acct_primed", true], ["acct_plain", false]] as const) {
    for (let i = 0; i < 120; i++) {
      const id = `${account}_${i}`;
      const root = i % 20 === 0;
      const question = questions[i % questions.length] as string;
      const ts = new Date(t0 + i * 97_000 + (primed ? 0 : 13_000)).toISOString();
      const request = { model: "m", input: root ? rootInput(question, primed) : question, ...(root ? {} : { previous_response_id: `resp_${account}_${i - 1}` }) };
      const line = { id, ts, account, api: "openai.responses", request, response: { id: `resp_${id}`, usage: { input_tokens: 30, output_tokens: 700 } }, account_meta: { created_at: "2026-03-01T00:00:00Z", verified: false } };
      lines.push({ ts, line: JSON.stringify(line) });
    }
  }
  lines.sort((a, b) => (a.ts < b.ts ? -1 : 1));
  const path = join(mkdtempSync(join(tmpdir(), "hs-held-")), "log.jsonl.gz");
  writeFileSync(path, gzipSync(`${lines.map((l) => l.line).join("\n")}\n`));
  return path;
}

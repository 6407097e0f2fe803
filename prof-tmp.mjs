import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { parseExchangeLine } from "./dist/ingest/index.js";
import { loadDefaultModel, requestSignals, templateSignature, maskPrompt, cotElicitation, domainScores } from "./dist/detect/index.js";
import { lastUserText, headTail, fnv1a32 } from "./dist/core/index.js";
import { minhashOfWords } from "./dist/detect/template.js";
const model = loadDefaultModel();
const exs = [];
for await (const line of createInterface({ input: createReadStream("bench-data/exchanges.jsonl.gz").pipe(createGunzip()) })) {
  const v = parseExchangeLine(line); if (v.ok) exs.push(v.exchange); if (exs.length >= 20000) break;
}
const prompts = exs.map((e) => headTail(lastUserText(e)));
const systems = exs.map((e) => headTail(e.system, 1000, 300));
function time(name, fn) { for (let i = 0; i < 2000; i++) fn(i); const t = process.hrtime.bigint(); for (let i = 0; i < exs.length; i++) fn(i); const us = Number(process.hrtime.bigint() - t) / 1e3 / exs.length; console.log(name.padEnd(20), us.toFixed(1), "µs"); }
console.log("mean prompt chars", prompts.reduce((a, p) => a + p.length, 0) / prompts.length);
time("requestSignals", (i) => requestSignals(exs[i], model));
time("templateSignature", (i) => templateSignature(prompts[i]));
time("maskPrompt", (i) => maskPrompt(prompts[i]));
const masked = prompts.map((p) => maskPrompt(p));
const words = masked.map((m) => m.split(" ").filter((w) => w.length > 0));
time("split", (i) => masked[i].split(" ").filter((w) => w.length > 0));
time("minhash", (i) => minhashOfWords(words[i]));
time("fnv masked x2", (i) => { fnv1a32(masked[i]); fnv1a32(masked[i], 7); });
time("cot", (i) => cotElicitation(prompts[i], systems[i], exs[i].params));
time("domains", (i) => domainScores(exs[i], prompts[i], systems[i]));
time("style model", (i) => model.score(systems[i] ? `${systems[i].slice(0, 600)}\n${prompts[i]}` : prompts[i]));

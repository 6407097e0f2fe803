import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { HydraError } from "../core/index.js";

/** A prompt from the shared real corpora (shared/data/README.md). */
export interface CorpusPrompt {
  text: string;
  source: string;
  label: "distill" | "organic";
  /** Coarse source family, the unit of by-source splits. */
  group: string;
}

const lineSchema = z.object({ text: z.string(), source: z.string(), label: z.enum(["distill", "organic"]) });

export const CORPUS_FILES = ["distill_gpteacher.jsonl", "distill_orca_math.jsonl", "rubric_judge_templates.jsonl", "organic_arena_oasst_misc.jsonl"];

/** ../shared/data from the repo root, or HYDRASENTRY_DATA. Read in place; never copied into the repo. */
export function corpusDir(): string {
  if (process.env.HYDRASENTRY_DATA) return resolve(process.env.HYDRASENTRY_DATA);
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return resolve(repoRoot, "..", "shared", "data");
}

export function sourceGroup(source: string): string {
  if (source.includes("Toolformer")) return "gpteacher-toolformer";
  if (source.includes("Codegen")) return "gpteacher-codegen";
  if (source.includes("Roleplay")) return "gpteacher-roleplay";
  if (source.includes("orca_dpo")) return "orca";
  if (source.includes("judge_prompts")) return "rubric";
  if (/Qwen2\.5-Math|simpleRL/.test(source)) return "math-benchmarks";
  if (source.includes("arena-hard-v2.0")) return "arena-hard-v2";
  if (source.includes("arena-hard-v0.1")) return "arena-hard-v0.1";
  if (source.includes("koala")) return "koala";
  if (source.includes("helpful_base")) return "helpful-base";
  if (/oasst/i.test(source)) return "oasst";
  return "other";
}

let cache: CorpusPrompt[] | null = null;

export function loadCorpus(dir = corpusDir()): CorpusPrompt[] {
  if (cache && dir === corpusDir()) return cache;
  const out: CorpusPrompt[] = [];
  for (const name of CORPUS_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new HydraError("CORPUS_MISSING", `prompt corpus ${path} not found (expected ../shared/data beside the repo, or set HYDRASENTRY_DATA)`, { path });
    const lines = readFileSync(path, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const parsed = lineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new HydraError("CORPUS_MISSING", `corpus ${path}:${i + 1} is malformed`, { path, line: i + 1 });
      out.push({ ...parsed.data, group: sourceGroup(parsed.data.source) });
    });
  }
  if (dir === corpusDir()) cache = out;
  return out;
}

/**
 * The prompt as a harness would send it, without the corpus's own artefacts: toolformer rows all
 * open with a `toolformer: enabled` header and the Orca rows share one system preamble; learning
 * either would teach a detector the dataset, not the behaviour (shared/data/README.md caveats).
 */
export function taskText(p: Pick<CorpusPrompt, "text" | "group">): { system: string; task: string } {
  if (p.group === "gpteacher-toolformer") {
    const lines = p.text.split("\n");
    const headerEnd = lines.findIndex((l, i) => i >= 2 && /^\w+\(\w*\)\s*$/.test(l.trim()));
    const cut = headerEnd >= 0 ? headerEnd + 1 : Math.min(4, lines.length - 1);
    return { system: lines.slice(0, cut).join("\n"), task: lines.slice(cut).join("\n").trim() };
  }
  if (p.group === "orca") {
    const idx = p.text.indexOf("\n\n");
    if (idx > 0 && /^You are/.test(p.text)) return { system: p.text.slice(0, idx), task: p.text.slice(idx + 2).trim() };
  }
  return { system: "", task: p.text };
}

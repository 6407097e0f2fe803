import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { loadCorpus } from "../../corpus/index.js";
import { ExtractionStyleModel } from "../classifier.js";
import { COT_MODEL_PATH } from "../classifier.js";
import { COT_HIT, LEARNED_ASK_THRESHOLD, longEnoughToRead, phraseScore } from "../cot.js";
import { promptFeatures } from "../features.js";
import { modelFile, trainLogReg, type TrainExample } from "./logreg.js";

/**
 * `npm run train` (second step): the learned reading of asks for reasoning, models/cot-ask.json.
 *
 * Why a model beside the phrase patterns: each new list of asks written by hand found the patterns
 * missing a third to two thirds of it, and each list's fixes carried little to the next. A model over
 * word and character n-grams, taught what the patterns read, generalises from the words around an
 * ask rather than its exact phrase.
 *
 * What it learns from (deterministic; same inputs, same bytes):
 * - the project's own hand-written phrasings: every string in src/detect/cot.test.ts, labelled by its
 *   table's title where the title says ("fires on …", "stays low for …") and by the phrase patterns'
 *   verdict elsewhere (the tests pin that verdict on each of them);
 * - ../shared/data: every organic prompt and the distillation prompts, labelled by the phrase patterns
 *   (a few people write a whole trigger; most distillation prompts are tasks with no ask, of which one
 *   in ten is kept, and up to 400 of its asks).
 */
const SEED = 20261206;
const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "src", "detect");
const TEST_FILE = join(SRC, "cot.test.ts");
/** The tables written after the model was first tried: held out in the evaluation, learned from in the model shipped. */
const HELD_OUT_TABLES = /list 3[3-5]'s|published reasoning template/;


interface Phrasing {
  text: string;
  table: string;
}

/**
 * Every string in the test file that is not a test's title: its tables' asks and ordinary prompts,
 * its constants' and its single examples'. Each is named for the table (or test) it sits in.
 */
function phrasingsOfTests(): Phrasing[] {
  const file = ts.createSourceFile(TEST_FILE, readFileSync(TEST_FILE, "utf8"), ts.ScriptTarget.ES2022, true);
  const titles = new Set<ts.Node>();
  const out: Phrasing[] = [];
  const titleOf = (call: ts.CallExpression): ts.Node | undefined => {
    const callee = call.expression;
    // it("title", fn), describe("title", fn), and it.each([...])("title", fn)
    const named = ts.isIdentifier(callee) && (callee.text === "it" || callee.text === "describe");
    const table = ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === "each";
    return named || table ? call.arguments[0] : undefined;
  };
  const visit = (node: ts.Node, table: string): void => {
    let inTable = table;
    if (ts.isCallExpression(node)) {
      const title = titleOf(node);
      if (title && ts.isStringLiteralLike(title)) {
        titles.add(title);
        inTable = title.text;
      }
      // The table's rows come before its title in the source: name them for it too.
      if (ts.isCallExpression(node.expression) && title && ts.isStringLiteralLike(title)) node.expression.arguments.forEach((a) => visit(a, inTable));
    }
    if (ts.isStringLiteralLike(node) && !titles.has(node) && node.text.length >= 12) out.push({ text: node.text, table: inTable });
    ts.forEachChild(node, (child) => visit(child, inTable));
  };
  visit(file, "");
  // A row reached from its table's title and again in the source's walk counts once.
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(p.text) && (seen.add(p.text), true));
}

interface Row {
  text: string;
  /** Computed once: every fit and evaluation reads them. */
  features: Uint32Array;
  y: 0 | 1;
  weight: number;
  kind: "phrasing" | "organic" | "distill";
  heldOut: boolean;
}

const isAsk = (text: string): 0 | 1 => (phraseScore(text) >= COT_HIT ? 1 : 0);

/**
 * A table's own label where its title says it ("fires on …", "stays low for …"): asks the phrases miss
 * are written there for the learned reading, and labelled by the phrases they would be taught as
 * ordinary prompts. Elsewhere the phrases' verdict, which the tests pin.
 */
function labelOf(p: Phrasing): 0 | 1 {
  if (/^(?:fires|reads an ask)\b/.test(p.table)) return 1;
  if (/^(?:stays low|leaves|keeps|does not)\b/.test(p.table)) return 0;
  return isAsk(p.text);
}

function dataset(): Row[] {
  const rows: Row[] = [];
  // Hand-written phrasings weigh more: there are a few hundred of them against twenty thousand corpus prompts.
  for (const p of phrasingsOfTests()) rows.push({ text: p.text, features: promptFeatures(p.text), y: labelOf(p), weight: 3, kind: "phrasing", heldOut: HELD_OUT_TABLES.test(p.table) });
  let distillIndex = 0;
  let distillAsks = 0;
  for (const p of loadCorpus()) {
    if (p.label === "organic") {
      // A few people do write a whole trigger ("Let's think step by step"): the patterns say which.
      rows.push({ text: p.text, features: promptFeatures(p.text), y: isAsk(p.text), weight: 1, kind: "organic", heldOut: false });
      continue;
    }
    const y = isAsk(p.text);
    if (y === 1 && distillAsks++ < 400) rows.push({ text: p.text, features: promptFeatures(p.text), y, weight: 0.5, kind: "distill", heldOut: false });
    else if (y === 0 && distillIndex++ % 10 === 0) rows.push({ text: p.text, features: promptFeatures(p.text), y, weight: 1, kind: "distill", heldOut: false });
  }
  return rows;
}

function train(rows: readonly Row[]): { weights: Float32Array; bias: number } {
  const examples: TrainExample[] = rows.map((r) => ({ features: r.features, label: r.y, weight: r.weight }));
  return trainLogReg(examples, { epochs: 10, seed: SEED });
}

function fit(rows: readonly Row[]): ExtractionStyleModel {
  const { weights, bias } = train(rows);
  return ExtractionStyleModel.fromWeights(weights, bias);
}

/** Whether the learned reading, as cotElicitation asks it, reads the row as an ask. */
const readsAsAsk = (model: ExtractionStyleModel, r: Row): boolean => longEnoughToRead(r.text) && model.scoreFeatures(r.features) >= LEARNED_ASK_THRESHOLD;

interface Evaluation {
  name: string;
  asks: number;
  learnedHits: number;
  ordinary: number;
  learnedFalse: number;
}

/** The learned reading alone: how many asks it finds and how many ordinary prompts it takes for asks. */
function evaluate(name: string, model: ExtractionStyleModel, rows: readonly Row[]): Evaluation {
  const learned = (r: Row): boolean => readsAsAsk(model, r);
  const asks = rows.filter((r) => r.y === 1);
  const ordinary = rows.filter((r) => r.y === 0);
  return { name, asks: asks.length, learnedHits: asks.filter(learned).length, ordinary: ordinary.length, learnedFalse: ordinary.filter(learned).length };
}

function main(): void {
  const all = dataset();
  const lines: Evaluation[] = [];

  // Organic prompts in two folds: each half scored by a model that never saw it.
  const organic = all.filter((r) => r.kind === "organic");
  let organicFalse = 0;
  for (const fold of [0, 1]) {
    const held = new Set(organic.filter((_, i) => i % 2 === fold));
    const model = fit(all.filter((r) => !held.has(r)));
    // Only where the patterns read no ask: the learned reading is asked nowhere else.
    organicFalse += [...held].filter((r) => r.y === 0 && readsAsAsk(model, r)).length;
  }

  // The tables written after the model was first tried, scored by a model trained without them.
  const heldOutModel = fit(all.filter((r) => !r.heldOut));
  lines.push(evaluate("held out: lists 33–35 and published templates (session 36)", heldOutModel, all.filter((r) => r.heldOut)));

  const final = train(all);
  const file = modelFile(final, ["src/detect/cot.test.ts (its phrasings)", ...new Set(loadCorpus().map((p) => p.source))].sort(), {
    threshold: LEARNED_ASK_THRESHOLD,
    organic_false_hits_cross_validated: { n: organic.length, hits: organicFalse },
    ...Object.fromEntries(lines.map((l) => [l.name, { asks: l.asks, learned_hits: l.learnedHits, ordinary: l.ordinary, learned_false_hits: l.learnedFalse }])),
  });
  writeFileSync(COT_MODEL_PATH, `${JSON.stringify(file)}\n`);
  const counts = { phrasings: all.filter((r) => r.kind === "phrasing").length, asks: all.filter((r) => r.kind === "phrasing" && r.y === 1).length, organic: organic.length, distill: all.filter((r) => r.kind === "distill").length };
  const report = [
    `trained on ${counts.phrasings} hand-written phrasings (${counts.asks} asks), ${counts.organic} organic and ${counts.distill} distillation corpus prompts`,
    `organic prompts over the threshold (${LEARNED_ASK_THRESHOLD}), two-fold: ${organicFalse} of ${organic.length}`,
    ...lines.map((l) => `${l.name}, the learned reading alone: ${l.learnedHits} of ${l.asks} asks, ${l.learnedFalse} of ${l.ordinary} ordinary prompts`),
    `wrote ${COT_MODEL_PATH}`,
  ];
  writeReadmeSection(counts, organicFalse, organic.length, lines);
  process.stdout.write(`${report.join("\n")}\n`);
}

/** Its section of models/README.md, after the extraction-style model's (which main.ts writes first), replaced on each run. */
function writeReadmeSection(counts: { phrasings: number; asks: number; organic: number; distill: number }, organicFalse: number, organicCount: number, lines: readonly Evaluation[]): void {
  const path = join(dirname(COT_MODEL_PATH), "README.md");
  const heading = "## cot-ask.json";
  const before = readFileSync(path, "utf8").split(heading)[0]?.trimEnd() ?? "";
  const section = `${heading}

The learned reading of asks for reasoning (src/detect/train/cot-main.ts, the second step of \`npm run train\`;
seed ${SEED}). The same hashed features and logistic regression as above, taught what the phrase patterns
in src/detect/cot.ts read: ${counts.phrasings} hand-written phrasings from src/detect/cot.test.ts (${counts.asks} asks;
labelled by their table's title where it says, "fires on …" or "stays low for …", and by the patterns
elsewhere), the ${counts.organic} organic corpus prompts and ${counts.distill} distillation prompts, labelled by the patterns
(of the distillation prompts, up to 400 asks and one in ten of the rest). Each new list of asks written by hand found the patterns
missing a third to two thirds of it; n-grams generalise from the words around an ask, not its phrase.

It is read only where the patterns read no ask, and counts as one at the bar (0.5), never more:
\`learned-ask\` in the evidence. Threshold ${LEARNED_ASK_THRESHOLD} on its probability.

| evaluation | figure |
|---|---|
| organic corpus prompts the patterns read no ask in, over the threshold, each half scored by a model trained without it | ${organicFalse} of ${organicCount} |
${lines.map((l) => `| ${l.name}, scored by a model trained without them, the learned reading alone | ${l.learnedHits} of ${l.asks} asks, ${l.learnedFalse} of ${l.ordinary} ordinary prompts (near misses written to share the asks' words) |`).join("\n")}

The simulator's organic traffic is drawn from the same corpus, so simulated false positives say little
about this model: the two-fold row is the figure to plan with.
`;
  writeFileSync(path, `${before}\n\n${section}`);
}

main();

import { describe, expect, it } from "vitest";
import { COT_HIT, cotElicitation } from "./cot.js";
import { answerSchemaEvidence } from "./answer-schema.js";

const NO_PARAMS = { logprobs: false, logitBias: false, stream: false, reasoningRequested: false };
/** A request's score with only `schema` demanded of its answer (rendered as ingest renders it). */
const scoreOf = (schema: string, prompt = "A train leaves at 3pm going 60 mph; another leaves at 4pm at 80 mph. When does the second catch up?"): number =>
  cotElicitation(prompt, "", NO_PARAMS, "", () => 0, "", [], schema).score;

/** Answer schemas that make the model write its reasoning before its answer, in no words of the prompt. */
const ASKS = [
  // OpenAI's structured-outputs guide's chain-of-thought example.
  "steps[explanation,output]\nfinal_answer",
  "chainOfThought\nanswer",
  "scratchpad\nanswer",
  "reasoning: Reason about the response against the rubric.\nverdict",
  "thinking\ncode",
  "thought_process\nis_harmful\ncategory",
  "solution_steps[step_number,reasoning]\nresult",
  // Written after the reader, scored once (session 54: 8 of 12 before these): a whole name inside a longer
  // one, a list of thoughts, a field described as the reasoning.
  "step_by_step_solution\nanswer",
  "chain[thought,observation]\nfinal_answer",
  "scratch: scratch space for your reasoning\noutput",
  // A name that is the reasoning only before an answer's.
  "work\nanswer",
  "calculations\nresult",
  // A neutral name whose description asks for it.
  "notes: Think step by step and write out your full reasoning here before deciding.\nposition",
];

/** Schemas apps send every day: extraction, classification with its why after, recipes, plans, a grader's rationale, an agent's step. */
const ORDINARY = [
  "title\nday\nparticipants",
  "title\ningredients\nsteps",
  "label: pos, neg or neutral\nexplanation: One sentence on why.",
  "vendor\ninvoice_date\ntotal\nline_items[description,quantity,amount]",
  "name\ndescription\nprice\ntags",
  "summary\nkey_points\naction_items[owner,task,due]",
  "decision\nreason",
  "sql: A single SQLite query.\nexplanation",
  "translation\ndetected_language",
  "headline\nbody\nhashtags",
  // A résumé's work history and an invoice's calculation, with no answer after them.
  "name\nwork[company,title,years]\neducation",
  "items\ncalculation\ntotal_due",
  "meal_plan[day,meals]\nshopping_list",
  "intent\nentities[type,value]",
];

describe("reasoning asked for in the answer's schema", () => {
  it("reads a reasoning field before the answer as an ask, in every naming style", () => {
    for (const schema of ASKS) expect({ schema, score: scoreOf(schema) }).toEqual({ schema, score: expect.toSatisfy((s: number) => s >= COT_HIT) });
    expect(answerSchemaEvidence("chainOfThought\nanswer")).toEqual([{ pattern: "answer-schema-reasoning-first", match: 'answer field "chainOfThought" before "answer"', weight: 0.65, where: "schema" }]);
  });

  it("reads ordinary schemas as no ask", () => {
    for (const schema of ORDINARY) expect({ schema, score: scoreOf(schema) }).toEqual({ schema, score: 0 });
  });

  it("weighs reasoning after the answer, a rationale before a grade and an agent's thought before its action under the bar alone", () => {
    expect(scoreOf("answer\nreasoning")).toBeCloseTo(0.35, 6);
    // A newsletter's "thoughts" after its headline: the same, under the bar.
    expect(scoreOf("headline\nthoughts_on_market: Analyst commentary for the newsletter.")).toBeCloseTo(0.35, 6);
    expect(scoreOf("rationale\nwinner")).toBeCloseTo(0.4, 6);
    expect(scoreOf("thought\naction\naction_input")).toBeCloseTo(0.3, 6);
    // With a weak ask in the user's words beside it, a grader's rationale first passes the bar, as "explain, then rate" does.
    expect(cotElicitation("Compare the two answers step by step.", "", NO_PARAMS, "", () => 0, "", [], "rationale\nwinner").score).toBeGreaterThanOrEqual(COT_HIT);
  });

  it("counts reasoning settings beside a schema's ask, as beside any textual evidence", () => {
    const withEffort = cotElicitation("Solve it.", "", { ...NO_PARAMS, reasoningEffort: "high" }, "", () => 0, "", [], "steps[explanation,output]\nfinal_answer");
    expect(withEffort.evidence.map((e) => e.where)).toEqual(["schema", "params"]);
  });
});

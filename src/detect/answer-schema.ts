import { BoundedMemo } from "../core/index.js";
import type { CotEvidence } from "./cot.js";

/**
 * What a demanded answer's fields ask for (Exchange.answerSchema): a field the model must fill with its
 * reasoning is the reasoning asked for, in no words at all. Structured outputs write fields in the
 * schema's order, so a reasoning field before the answer's is the model thinking first, the trace a
 * harness collects (OpenAI's own structured-outputs guide shows chain of thought as `steps` of
 * `explanation` and `output`, then `final_answer`); one after the answer explains an answer already
 * given. Names are read as words: `chainOfThought`, `chain-of-thought` and `chain_of_thought` alike.
 */

interface Field {
  name: string;
  /** The name in snake case, lowered: `chainOfThought` is `chain_of_thought`. */
  snake: string;
  words: ReadonlySet<string>;
  itemWords: ReadonlySet<string>;
  description: string;
}

/** Words of a field name that make it the model's reasoning itself. */
const REASONING_WORDS = new Set(["reasoning", "thought", "thoughts", "thinking", "scratchpad", "monologue", "deliberation", "derivation", "cot", "workings"]);
/** Whole names that do the same. */
const REASONING_NAMES: readonly string[] = ["chain_of_thought", "step_by_step", "show_work", "work_shown", "shown_work", "working", "working_out", "scratch_pad", "think", "rationale_steps", "inner_voice"];
/**
 * Names that are the reasoning only when an answer's field follows them ({"work", "answer"}): alone they
 * are a résumé's `work` history or an invoice's `calculation`.
 */
const REASONING_BEFORE_ANSWER_NAMES = new Set(["work", "calculation", "calculations", "intermediate_steps"]);
/** Words that make a field an explanation or a grader's rationale: reasoning of a shorter kind, asked of every classifier. */
const EXPLANATION_WORDS = new Set(["explanation", "explanations", "rationale", "justification", "justifications", "analysis", "critique", "reason", "reasons", "assessment", "evaluation"]);
/** Words of an answer's field: what the reasoning leads to. */
const ANSWER_WORDS = new Set(["answer", "answers", "verdict", "score", "scores", "rating", "label", "decision", "classification", "choice", "grade", "prediction", "winner", "preference", "conclusion", "result", "category", "final", "output", "solution", "response", "comply", "refuse", "allowed", "safe"]);
/** Words of a field that acts: an agent's next tool call, which a thought before it plans (ReAct's format). */
const ACTION_WORDS = new Set(["action", "actions", "tool", "tool_name", "tool_input", "action_input", "command", "function", "tool_call", "tool_calls", "arguments", "args", "next_action", "next_step"]);
/** Item fields that make `steps` a worked solution rather than a recipe's or a plan's list. */
const STEP_REASONING_WORDS = new Set([...REASONING_WORDS, ...EXPLANATION_WORDS]);

const snakeOf = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_");

/** The whole snake-case name and each of its words. */
function wordsOf(name: string): Set<string> {
  const snake = snakeOf(name);
  return new Set([snake, ...snake.split("_").filter((w) => w !== "")]);
}

const LINE = /^([^\s:[]+)(?:\[([^\]]*)\])?(?::\s?(.*))?$/;

/** The rendered schema's fields (see ingest's renderAnswerSchema). */
function fieldsOf(rendered: string): Field[] {
  const out: Field[] = [];
  for (const line of rendered.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const items = m[2] ? m[2].split(",") : [];
    const itemWords = new Set<string>();
    for (const item of items) for (const w of wordsOf(item)) itemWords.add(w);
    const name = m[1] as string;
    out.push({ name, snake: snakeOf(name), words: wordsOf(name), itemWords, description: m[3] ?? "" });
  }
  return out;
}

const hasAny = (words: ReadonlySet<string>, among: ReadonlySet<string>): boolean => {
  for (const w of words) if (among.has(w)) return true;
  return false;
};

/** A description that says the field holds the reasoning ("scratch space for your reasoning", "think it through step by step here"). */
const DESCRIBED_AS_REASONING = /\b(?:reasoning|chain[- ]of[- ]thought|thought process|step[- ]by[- ]step|think(?:ing)? (?:it |this |the problem )?(?:through|out loud|aloud)|scratch ?pad|show (?:your|all) work)\b/i;

const isReasoning = (f: Field): boolean =>
  hasAny(f.words, REASONING_WORDS) ||
  // Whole names anywhere in the name: `step_by_step_solution`, `my_chain_of_thought`.
  REASONING_NAMES.some((n) => f.snake === n || f.snake.includes(`${n}_`) || f.snake.endsWith(`_${n}`)) ||
  // A list whose items are thoughts ({"chain": [{"thought", "observation"}]}), or `steps` whose items
  // explain themselves: a worked solution. A recipe's steps are strings.
  hasAny(f.itemWords, REASONING_WORDS) ||
  ((f.words.has("steps") || f.words.has("step")) && hasAny(f.itemWords, STEP_REASONING_WORDS)) ||
  DESCRIBED_AS_REASONING.test(f.description);
const isExplanation = (f: Field): boolean => hasAny(f.words, EXPLANATION_WORDS);
const isReasoningBeforeAnswer = (f: Field): boolean => REASONING_BEFORE_ANSWER_NAMES.has(f.snake);
const isAction = (f: Field): boolean => hasAny(f.words, ACTION_WORDS);
const isAnswer = (f: Field): boolean => hasAny(f.words, ANSWER_WORDS) && !isReasoning(f) && !isExplanation(f);

/**
 * A reasoning field the model fills before the answer's: above the hit bar alone, as a stock trigger is.
 * Its schema is sent with every request like a system prompt, and is read as one (see restsOnSystemPrompt).
 */
const REASONING_FIRST = 0.65;
/** A reasoning field after the answer, or with none named: the reasoning written out all the same, after the fact. */
const REASONING_AFTER = 0.35;
/**
 * An explanation, rationale or critique before a verdict, score or label: a judge's rationale first, as
 * the words "explain, then rate" are read (judge-rationale-first, 0.4). Under the bar alone: it is how
 * everyone runs a grader or a classifier that must say why.
 */
const RATIONALE_FIRST = 0.4;
/**
 * A thought before an action: an agent framework's JSON form of ReAct ({"thought", "action",
 * "action_input"}): it plans a step, it is not an answer's reasoning. Under the 0.4 at which a request
 * joins prompt families as a harness's would: at ReAct's textual 0.45, thirty strangers running one
 * framework's step schema were linked by it and flagged as a ring (an outside generator, session 54).
 */
const THOUGHT_BEFORE_ACTION = 0.3;

/** What a schema's fields ask: the evidence, and the field that holds the reasoning (none for an agent's thought before its action). */
interface SchemaReading {
  evidence: CotEvidence | null;
  field: string | null;
}

function readSchema(rendered: string): SchemaReading {
  const fields = fieldsOf(rendered);
  const answerAt = fields.findIndex(isAnswer);
  const named = fields.findIndex(isReasoning);
  const beforeAnswer = answerAt > 0 ? fields.slice(0, answerAt).findIndex(isReasoningBeforeAnswer) : -1;
  const reasoningAt = named >= 0 && (beforeAnswer < 0 || named < beforeAnswer) ? named : beforeAnswer;
  if (reasoningAt >= 0) {
    const reasoning = fields[reasoningAt] as Field;
    const actionAt = fields.findIndex(isAction);
    if (actionAt > reasoningAt && (answerAt < 0 || actionAt < answerAt)) {
      return { evidence: { pattern: "answer-schema-thought-action", match: `answer field "${reasoning.name}" before the action "${(fields[actionAt] as Field).name}"`, weight: THOUGHT_BEFORE_ACTION, where: "schema" }, field: null };
    }
    // With no answer field named, whatever follows the reasoning is what it leads to ({"thinking", "code"}).
    const first = answerAt >= 0 ? reasoningAt < answerAt : reasoningAt < fields.length - 1;
    const answer = answerAt >= 0 ? (fields[answerAt] as Field).name : (fields[reasoningAt + 1]?.name ?? "");
    return {
      evidence: {
        pattern: first ? "answer-schema-reasoning-first" : "answer-schema-reasoning-field",
        match: first ? `answer field "${reasoning.name}" before "${answer}"` : `answer field "${reasoning.name}"${answer ? ` after "${answer}"` : ""}`,
        weight: first ? REASONING_FIRST : REASONING_AFTER,
        where: "schema",
      },
      field: reasoning.name,
    };
  }
  const explanationAt = fields.findIndex(isExplanation);
  if (explanationAt >= 0 && answerAt > explanationAt) {
    const explanation = (fields[explanationAt] as Field).name;
    return { evidence: { pattern: "answer-schema-rationale-first", match: `answer field "${explanation}" before "${(fields[answerAt] as Field).name}"`, weight: RATIONALE_FIRST, where: "schema" }, field: explanation };
  }
  return { evidence: null, field: null };
}

/**
 * A grader's judgement, whole names: a score, rating or grade of what is judged, a verdict, the winner of
 * a comparison. Not a `risk_score` or a `credit_score` (an app's figure of something else), nor a
 * classifier's `label`.
 */
const JUDGEMENT_NAMES = new Set(["score", "scores", "rating", "ratings", "grade", "verdict", "winner", "preference", "preferred", "preferred_response", "better_response", "overall_score", "final_score", "total_score", "quality_score", "overall_rating", "final_grade"]);
/** A criterion's own score, as a rubric lists them: `clarity_score`, `accuracy_rating`. */
const CRITERION_SCORE = /^[a-z]+_(?:score|rating|grade)$/;

/**
 * Whether a demanded answer is a grader's: a judgement with an explanation or reasoning beside it
 * ({"rationale", "score"}, {"reasoning", "winner"}), or several criteria scored ({"clarity_score",
 * "accuracy_score", "feedback"}). What the request is, whatever its prompt says: a judge's
 * template often carries only the texts to judge.
 */
export function gradesInSchema(rendered: string): boolean {
  return GRADERS.get(rendered, readsAsGrader);
}

/**
 * Readings of the schemas seen: an app sends its schema with every request, and both the domain reading
 * and the hunt's template families ask. Bounded as the standing texts' memos are (cot.ts's
 * STANDING_TEXTS_REMEMBERED, not imported: cot.ts imports this module).
 */
const GRADERS = new BoundedMemo<boolean>(2048);

function readsAsGrader(rendered: string): boolean {
  const fields = fieldsOf(rendered);
  const criteria = fields.filter((f) => CRITERION_SCORE.test(f.snake)).length;
  if (criteria >= 2) return true;
  return fields.some((f) => JUDGEMENT_NAMES.has(f.snake)) && fields.some((f) => isExplanation(f) || isReasoning(f));
}

/** Evidence the fields' names and order give; their descriptions are read as instructions by the caller. */
export function answerSchemaEvidence(rendered: string): CotEvidence[] {
  const { evidence } = readSchema(rendered);
  return evidence === null ? [] : [evidence];
}

/**
 * The field of a demanded answer that holds the reasoning (or a rationale before the verdict), by its
 * name as sent: what withholding the reasoning empties in a structured answer, where the APIs' thinking
 * fields are not. Null when the schema asks for none.
 */
export function reasoningFieldOf(rendered: string): string | null {
  return readSchema(rendered).field;
}

/** The fields' descriptions, one per line: instructions to the model, read as a system prompt's words are. */
export function answerSchemaDescriptions(rendered: string): string {
  return fieldsOf(rendered)
    .map((f) => f.description)
    .filter((d) => d !== "")
    .join("\n");
}

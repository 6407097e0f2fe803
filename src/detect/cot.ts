import { BoundedMemo, type GenerationParams } from "../core/index.js";
import { answerSchemaDescriptions, answerSchemaEvidence } from "./answer-schema.js";
import { asRead } from "./as-read.js";
import { COT_MODEL_PATH, loadModel, type ExtractionStyleModel } from "./classifier.js";
import { featuresInScratch } from "./features.js";
import { asksMaxEffort, asksMaxThinking } from "./params.js";

/**
 * Chain-of-thought elicitation: requests that ask the model to reveal, narrate or reconstruct its
 * reasoning. Patterns are weighted: "strong" ones ask for the internal reasoning itself (a student
 * rarely types "write out your complete internal reasoning"); "weak" ones ("step by step") are common
 * in honest homework questions and only count for much when a harness puts them in a system prompt
 * or pairs them with other evidence.
 */
export interface CotEvidence {
  pattern: string;
  match: string;
  weight: number;
  /**
   * `opening`: the conversation's first user turn, in a request that carries it before the newest one:
   * instructions are given there ("for every question in this chat, write out your complete chain of
   * thought") and every follow-up carries them, so each answer of the conversation is asked for them
   * (only the opening's asks that pass the bar alone: see carriesToFollowUps). `demonstration`: the
   * request's earlier answers, written as the answer to follow (see scanDemonstrations). `schema`: the
   * structured answer the request demands (Exchange.answerSchema), its fields and their descriptions,
   * standing instructions as a system prompt's are (see answer-schema.ts).
   */
  where: "user" | "system" | "opening" | "params" | "prefill" | "demonstration" | "schema";
}

export interface CotResult {
  score: number;
  evidence: CotEvidence[];
}

export interface Pattern {
  id: string;
  /** Lowercase substrings the pattern cannot match without: a cheap test that skips the regex pass. */
  stems: string[];
  re: RegExp;
  /**
   * The pattern's non-Latin phrasings, when they are kept apart from `re`: one /iu alternation
   * mixing scripts ran some 15× slower in V8 than the ASCII part under /i plus the rest under /iu.
   */
  otherScripts?: RegExp;
  weight: number;
  /**
   * The pattern is one fixed phrase that holds weak asks' words ("Let's think step by step" holds
   * "step by step" and "let's think"): weak evidence matched inside its match is not counted again.
   */
  absorbsWeak?: boolean;
  /**
   * Only the text's last `tail` characters can hold a match (a label that ends the prompt): only they are
   * read, as a regex cannot start from the end and tried the whole of every long prompt.
   */
  tail?: number;
  /**
   * The character the text's last non-space character must be for a match (a label's colon): tested from
   * the end before the regex runs, as nearly every prompt ends on something else.
   */
  closing?: string;
}

const WHITE_SPACE = /\s/;

/** The text's last character that is not white space (as a regex's \s reads it), "" for none. */
function lastNonSpace(text: string): string {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i] as string;
    if (!WHITE_SPACE.test(c)) return c;
  }
  return "";
}

/** The leftmost match of the pattern (the ASCII part first on a tie, as one alternation would). */
export function matchPattern(p: Pick<Pattern, "re" | "otherScripts" | "tail" | "closing">, text: string): RegExpExecArray | null {
  if (p.closing !== undefined && lastNonSpace(text) !== p.closing) return null;
  if (p.tail !== undefined && text.length > p.tail) {
    const from = text.length - p.tail;
    const m = matchPattern({ re: p.re, otherScripts: p.otherScripts }, text.slice(from));
    if (m) m.index += from;
    return m;
  }
  const a = p.re.exec(text);
  if (!p.otherScripts) return a;
  const b = p.otherScripts.exec(text);
  if (a === null) return b;
  return b !== null && b.index < a.index ? b : a;
}

/**
 * A verb with its -s and -ing forms, written "verb" or "verb<regex tail>" ("write(?: out| down)?").
 * "Including all your thinking", "narrating your thinking", "explaining each decision you made":
 * asks are worded around the verb as often as with it, and a base form alone missed them.
 */
function withPresentForms(entries: string[]): string {
  const forms = entries.map((entry) => {
    const verb = /^[a-z]+/.exec(entry)?.[0] ?? entry;
    const tail = entry.slice(verb.length);
    // "describ(?:es?|ing)": one stem and its endings ("replys" is accepted too, and never written).
    if (/[^e]e$/.test(verb)) return `${verb.slice(0, -1)}(?:es?|ing)${tail}`;
    const ing = verb === "output" || verb === "begin" ? verb.slice(-1) + "ing" : "ing";
    const s = /(?:sh|ch|x|s)$/.test(verb) ? "es" : "s";
    return `${verb}(?:${s}|${ing})?${tail}`;
  });
  return `(?:${forms.join("|")})`;
}

const REVEAL_VERB = withPresentForms([
  "show", "reveal", "expose", "output", "print", "dump", "produce", "emit", "record", "reproduce", "recount", "recite", "articulate", "externalise", "externalize", "elaborate(?: on)?", "write(?: out| down)?", "spell out", "lay out", "lay bare", "share", "give(?: me)?", "tell me(?!\\s+(?:if|whether)\\b)",
  "narrate", "describe", "detail", "include", "provide", "display", "document", "verbalise", "verbalize", "transcribe", "list", "unpack", "let me see", "let us see", "present", "generate",
]);
const INNER = "(?:full|complete|entire|whole|raw|internal|inner|hidden|private|exact|actual|unfiltered|unabridged|unedited|uncensored|unredacted|uncompressed|extended|exhaustive|verbatim|detailed|step[- ]by[- ]step|underlying|intermediate|explicit|long|lengthy|thorough|elaborate|verbose|comprehensive)";
const THOUGHT =
  "(?:chain[- ]of[- ]thoughts?|(?:inference|deduction|logic(?:al)?) chains?|chain[- ]of[- ](?:reasoning|inference|logic|deduction)s?|line of (?:reasoning|thought)|sequence of (?:thoughts|reasoning|inferences)|(?:mental|thought|thinking|reasoning) path|path of (?:reasoning|thought)|reasoning(?: process| trace| trajectory| chain| steps)?|thought process(?:es)?|thinking(?: process| steps| trace)?|internal monologue|inner monologue|scratch ?pad|deliberations?|train of thought|cognitive process|mental (?:steps|work)|thoughts|rationale|considerations|stream of consciousness|solution path)";
/**
 * Processes anyone has: the model's own only as "your …", with "you" after them ("the decision
 * process you used"), behind an answer ("… behind your answer") or asked for beside it ("narrate the
 * whole problem-solving process, not just the answer"). "Describe the decision-making process for
 * approving a mortgage" and "the problem-solving process for a Rubik's cube" ask how such things are
 * done, and scored 0.75.
 */
const GENERIC_PROCESS =
  "(?:decision process(?:es)?|(?:problem[- ]solving|decision[- ]making)(?: process)?(?![- ](?:approach|skills?|methods?|techniques?|frameworks?|strateg(?:y|ies)|models?|abilit(?:y|ies)|steps)))";
/**
 * The nouns of a reasoning process, which "a"/"an" may introduce when the ask describes it ("output a
 * long, explicit reasoning process", "an exhaustive chain of reasoning"); not the rationale or thoughts
 * a grader or a form asks for, nor "a detailed reasoning for why the treaty failed" or "an essay with a
 * chain of reasoning about the fall of Rome", which ask for an argument.
 */
const THOUGHT_PROCESS = "(?:chain[- ]of[- ]thoughts?|chain[- ]of[- ](?:reasoning|inference|logic)(?!\\s+(?:about|on|regarding|concerning|why|for why|that|behind)\\b)|reasoning (?:process|trace|trajectory|chain|steps)|thought process|thinking process|internal monologue|inner monologue|deliberation|train of thought|solution path)";

/**
 * Asks for the model's own reasoning by meaning rather than by phrase: a verb that asks for something
 * to be shown or written (DISCLOSE) and, in the same sentence, a reference to the model's own
 * thinking (OWN_THINKING_NOUN, in either order; OWN_THINKING_PROCESS, after the verb). Phrase lists
 * lag behind how people word this: each new list of asks written outside the corpora had 40–60% of
 * them in wording no pattern knew, mostly a verb or a noun for thinking the lists lacked. "Your
 * thoughts on X" and "what you think about X" ask for an opinion, not for reasoning, and do not
 * count; nor does a form's "Your thoughts:" heading.
 */
/** Disclosing verbs as participles after the noun: "your thought process laid out in full". */
const DISCLOSED = "(?:laid out|written (?:out|down)|spelled out|set out)";
/**
 * "I'd like", "I need", "I want": a request with no verb of showing. Like the homework verbs they count
 * only with the model's own process ("I'd like every step you took"): "I'd like your thoughts" asks for an opinion.
 */
const REQUEST_FRAME = "(?:\\bi(?:'d| would) like|\\bi (?:need|want)(?!\\s+(?:to|you)\\b))";
const DISCLOSE = `(?:${DISCLOSED}|${withPresentForms([
  "show", "see", "include", "write(?: out| down)?", "return", "respond with", "reply with", "answer with", "explain", "spell out", "tell me(?!\\s+(?:if|whether)\\b)", "describe",
  "output", "print", "give", "provide", "share", "lay out", "lay bare", "document", "list", "reveal", "expose", "dump", "unpack", "display",
  "produce", "emit", "generate", "record", "reproduce", "recount", "recite", "articulate", "externalise", "externalize", "elaborate(?: on)?",
  "present", "detail", "narrate", "verbalise", "verbalize", "transcribe", "outline", "trace", "break down", "start with", "begin with", "walk (?:me |us )?through", "talk (?:me |us )?through", "repeat",
  "jot(?: down)?", "note down", "enumerate", "state", "expand on", "attach", "append", "annotate", "explicate",
])}|\\bbe (?:very |more |fully |completely |extremely |as )?(?:verbose|explicit|transparent|detailed|thorough|open|upfront)(?: as (?:possible|you can))? about|keep(?:ing)? (?:a )?(?:running |live )?(?:commentary|log|record|transcript|journal)|(?:respond|reply|answer)(?:ing)? in (?:two|three|2|3) (?:parts|sections)|${REQUEST_FRAME})`;
/**
 * "Share your thoughts about my poem" asks for an opinion, and "describe your thoughts and feelings"
 * (a companion chat, a role-play) for a feeling; reasoning "on this problem" is left to asks-for-your-reasoning.
 */
const NOT_AN_OPINION = "(?!\\s*:|\\s+(?:on|about|regarding)\\b|\\s+(?:and|&)\\s+(?:\\w+\\s+)?(?:feelings|emotions|impressions|reactions|experiences?|memories|hopes|fears)\\b)";
/**
 * The verbs of homework: "explain your reasoning", "show your reasoning", "give your reasoning", "describe your thinking" are
 * how teachers and students word an ordinary question, so with the plain nouns (OWN_THINKING_NOUN)
 * they stay the weak explain-reasoning evidence; with the model's own process (OWN_THINKING_PROCESS:
 * "explain how you reasoned", "the logic you followed") they count. A school behind one address,
 * a fifth of whose questions ended "Please explain your reasoning step by step", was flagged whole.
 */
const HOMEWORK_VERB = `(?:${withPresentForms(["explain", "justify", "describe", "detail", "give", "provide", "share", "show"])}|${REQUEST_FRAME})`;
/** "Your working", the shown work of British schools, but not "your working hours" or "your working directory". */
const NOT_A_NOUN_AFTER = "(?!\\s+(?!(?:so|and|or|for|to|in|on|out|as|with|too|here|below|above|please|clearly|first|then|before|after|at|when|while|that|which|of|step|line|from|is|are)\\b)[a-z])";
const OWN_THINKING_NOUN =
  `(?:your\\s+(?:[\\w-]+\\s+){0,2}?(?:(?:thoughts?|thinking)\\b${NOT_AN_OPINION}(?!\\s+of\\b)|(?:reasoning|thought process|decision process|logic|deliberation|rationale|justifications?|train of thought|line of (?:reasoning|thought)|mental (?:steps|process)|scratch ?work|rough work|workings?${NOT_A_NOUN_AFTER})\\b(?!\\s*:)))`;
/**
 * "How you decided to become a nurse" (an interview answer drafted in the user's voice, a persona's story)
 * is a life decision; "how you decided to refuse", "… to rank them that way" are the model's on the task.
 */
const NOT_A_LIFE_DECISION =
  "(?!\\s+to\\s+(?!(?:answer|respond|reply|refuse|decline|help|comply|say|use|choose|pick|rank|rate|grade|score|label|classify|flag|include|exclude|structure|solve|approach|interpret|round|assume|treat)\\b))";
const OWN_THINKING_PROCESS =
  "(?:\\b(?:how|the way) you (?:actually |really )?(?:reasoned|reason|think|thought|considered|decided" + NOT_A_LIFE_DECISION + "|determined|judged|went about|approached|tackled)\\b|\\bhow your (?:mind|brain|head) works\\b|\\bwhat you (?:reasoned|considered)\\b|\\bwhat you(?:'re| are)? (?:think|thought|thinking)\\s+(?:as|while|when|during|at (?:each|every)|along)\\b" +
  "|\\bas you (?:actually |really )?(?:reasoned|thought|worked (?:it|this|that) out)\\b" +
  // The way from question to answer: "how you get from the question to the answer".
  "|\\bhow you (?:get|got|go|went|move|moved) from (?:the |a |this |that )?(?:question|problem|prompt|premises?|givens?|data|inputs?)\\s+to (?:the |your |an? |its )?(?:final )?(?:answers?|solutions?|conclusions?|results?)\\b" +
  // The work in progress: "how you're working this out", "how you are figuring it out".
  "|\\bhow you(?:'re|’re| are) (?:working|figuring|reasoning|thinking) (?:(?:it|this|that) )?(?:out|through)\\b" +
  "|\\b(?:reasoning|thinking|logic|thought|logical steps|steps?|mental steps?|chain|path)(?:\\s+process)?\\s+(?:that\\s+)?you\\s+(?:used|use|applied|apply|followed|follow|took|take|went through|go through|did|do|performed|carried out)\\b" +
  // What brought it to its answer: "the reasoning that led you to it", "the steps which got you there".
  "|\\b(?:reasoning|thinking|logic|thoughts?|thought process|logical steps|steps?|deductions?|inferences?)\\s+(?:that\\s+|which\\s+)?(?:led|leads|brought|brings|took|got|gets) you (?:to|there)\\b" +
  // A process or path only to an answer: "the messy process that got you there" after "the polished
  // answer", not "the path that led you to medicine" in a personal statement (a path "there" is a career's).
  // (The look back runs only once "process" has matched: put first, it ran at every position and made this scan 5× slower.)
  "|\\bprocess(?<=\\b(?:answers?|solutions?|results?|conclusions?|verdicts?)\\b[^\\n]{0,150}?process)\\s+(?:that|which)\\s+(?:led|brought|took|got) you there\\b" +
  "|\\b(?:process|path)\\s+(?:that|which)\\s+(?:led|leads|brought|brings|took|got|gets) you to (?:the|this|that|your|an?) (?:final )?(?:answers?|results?|solutions?|conclusions?|verdicts?)\\b" +
  // What made the answer: "the messy reasoning that produced it", "the thinking behind-the-scenes that generated your reply".
  "|\\b(?:reasoning|thinking|logic|thought process|deliberation)\\s+(?:that|which)\\s+(?:produced|generated|yielded|went into)\\s+(?:it|that answer|this answer|(?:the|your) (?:answer|response|reply|output|verdict|result))\\b" +
  // The units of reasoning the model itself produces: "every inference you make", "each decision you made";
  // not someone else's ("every reasoning step a detective uses").
  "|\\b(?:every|each|all(?: of)?(?: the)?)\\s+(?:single\\s+)?(?:thoughts?|inferences?|deductions?|(?:reasoning|thinking|logical) steps?|intermediate (?:conclusions?|inferences?|thoughts?|calculations?|computations?|steps?|results?|work(?:ing)?))\\b(?!\\s+(?:on|about|of|I|we|they|he|she|my|our|an?|the|most|many|people|humans|experts?|students?|kids|children)\\b)" +
  "|\\b(?:inferences?|deductions?|decisions?|judge?ments?|considerations?|factors?|assumptions?)\\s+(?:that\\s+)?you(?:\\s+are|'re)?\\s+(?:make|made|making|draw|drew|drawing|reach|reached|reaching|weigh|weighed|weighing|balance|balanced|balancing|rely on|relied on|relying on)\\b" +
  // What it builds to solve the task: "each hypothesis you form", "the mental model you build while solving".
  "|\\b(?:hypothes[ie]s|mental models?|conjectures?)\\s+(?:that\\s+)?you(?:\\s+are|'re)?\\s+(?:form|formed|forming|build|built|building|construct|constructed|constructing|test|tested|testing)\\b" +
  // The rules of its own decisions: "the principles you apply when deciding to refuse", "what went into that decision".
  "|\\b(?:principles?|rules|criteria|guidelines|policies|standards)\\s+(?:that\\s+)?you\\s+(?:apply|applied|use|used|follow|followed|rely on|relied on)\\s+(?:when|to|in)\\s+(?:deciding|decide|you decide|choosing|refusing|answering|responding|judging|evaluating)\\b" +
  "|\\bwhat went into (?:that|this|your|the) (?:decision|choice|answer|response|refusal|judge?ment|verdict)\\b(?!\\s+to\\b)" +
  "|\\b(?:how|what|why|everything|every(?: single)? thing|anything|things|all) you(?:\\s+(?:were|are)|'re|’re)?\\s+(?:weighed|weighing|considered|considering|rejected|concluded|inferred|deduced|deliberated|were thinking|ruled out|discarded)\\b" +
  // What it would keep back: "the steps you'd normally hide", "the thinking you'd usually keep to yourself".
  "|\\b(?:steps?|thoughts?|reasoning|thinking|parts?|work(?:ing)?)\\s+(?:that\\s+)?you(?:'d|’d| would)?\\s+(?:normally |usually |otherwise )?(?:hide|keep (?:to yourself|hidden|private|back|internal|inside|in your head)|leave out|omit|compress|condense|shorten|abbreviate|summari[sz]e|skip|gloss over)\\b" +
  // What it tried, not how it tried to do something: "explain how you attempted to communicate with them" is a role-play.
  "|\\b(?:what|everything|all(?: that)?) you(?:\\s+have|'ve)?\\s+(?:tried|attempted)\\b(?!\\s+to\\b)" +
  // The paths its search took: "every alternative you rejected", "the approaches you considered and dropped".
  "|\\b(?:every|each|all(?: of)?(?: the)?|the|any)\\s+(?:other\\s+)?(?:alternatives?|options?|approaches?|hypothes[ie]s|possibilities|paths?|ideas?|(?:counter-?)?arguments?|objections?)\\s+(?:(?:for (?:and|or) against|pro and con|on (?:both|either|each) sides?)\\s+)?(?:that\\s+)?you\\s+(?:rejected|considered|discarded|ruled out|tried|explored|dismissed|weighed)\\b" +
  // Its choices among others: "why you chose it over other options", not a personal statement's
  // "why you chose this university over the others".
  "|\\bwhy you (?:chose|picked|selected|preferred) (?:it|each|(?:this|that) (?:step|rule|approach|method|option))\\b[^.?!\\n]{0,30}?\\bover (?:the )?(?:other|another|alternative|rest)" +
  // The argument it had with itself: "the internal back-and-forth you had to reach it" (not one with a landlord).
  "|\\b(?:internal|inner|mental) (?:back-and-forth|debate|deliberations?|dialogue|argument)s? (?:that )?you (?:had|went through|held)\\b" +
  // The instructions' own words for a worked example: "explain how you used the definition to come up with the answer".
  "|\\bhow you (?:used|applied|interpreted)\\b[^.?!\\n]{1,40}?\\bto (?:come up with|arrive at|reach|derive|get to) (?:the|your|this|that) (?:answer|solution|conclusion|output|label)\\b" +
  // Not what it goes through on hearing jazz or on a word a lecturer puts to a hall: an experience, not a task.
  "|(?:\\b(?:went|goes|going|go) (?:on )?(?:through|in) your (?:mind|head)\\b|\\bcross(?:es|ed)? your mind\\b|\\bin your head\\b)(?!\\s+(?:when|whenever|as|while|if)\\s+you\\s+(?:first\\s+)?(?:see|hear|think (?:of|about)|look at|listen|read|smell|taste|feel|remember|imagine|meet|watch|visit|wake)))";
const NOT_HOMEWORK_VERB = `(?!${HOMEWORK_VERB}\\b)`;
/** "Give your reasoning", "describe your thinking": a homework verb with a plain noun, no "all of", "full" or "internal". */
const HOMEWORK_WITH_PLAIN_NOUN = `(?!${HOMEWORK_VERB}\\b[^.?!\\n]{0,40}?\\b(?<!\\ball (?:of )?)your\\s+(?:reasoning|thinking|thoughts?|rationale|logic)\\b(?![- ](?:process|trace|chain|steps|trajectory|path)\\b))`;

/**
 * After "the reasoning" / "the thinking": not "of Kant", "of a chess player", "behind the crisis".
 * "Tell me about the thinking of Kant" asked for a philosopher's thought, and scored as an ask for
 * the model's; "show the reasoning behind your answer" still counts. Nor a relative clause with a
 * subject of its own ("the thinking process a grandmaster uses", "the reasoning most judges apply").
 * One word may come between, so that a shorter reading of the noun ("thinking" of "thinking process
 * of Kant") cannot slip past.
 */
const NOT_SOMEONE_ELSES = "(?!(?:\\s+\\w+)?\\s+(?:used|applied|employed|taken) (?:in|by)\\b|(?:\\s+\\w+)?\\s+(?:that\\s+|which\\s+)?(?:an?|most|many|some|people|humans|experts?)\\s+(?!(?:bit|little|lot|step|few)\\b)\\w|(?:\\s+\\w+)?\\s+in\\s+(?:an?|the)\\s+(?!(?:answers?|responses?|solutions?|output|reply|final)\\b)|(?:\\s+\\w+)?\\s+in\\s+(?:[\\w-]+\\s+){0,2}?(?:models?|llms?|systems?|ais?|agents?|transformers?|networks?|humans?|people|children|kids|students|animals)\\b" +
  // Someone's named: "the full chain of inferences in Sherlock Holmes's deduction".
  "|(?:\\s+\\w+)?\\s+in\\s+(?!(?:your|its|the model)\\b)(?:[\\w-]+\\s+){0,2}?[\\w-]+(?:'s|’s)\\s" +
  "|(?:\\s+\\w+)?\\s+(?:of|behind|by|among)\\s+(?!(?:you|your|yours|it|its)\\b|(?:this|that|the|each|every) (?:final |last |first )?(?:answers?|solutions?|model|responses?|results?|steps?|verdicts?|classifications?|grades?|scores?|ratings?|labels?|refusals?)\\b" +
  // What the model itself picks: "the reasoning behind each design choice", "behind every move".
  "|(?:each|every) (?:\\w+ )?(?:choices?|decisions?|moves?|recommendations?|conclusions?|changes?|edits?|selections?|assumptions?)\\b(?!\\s+(?:that\\s+|which\\s+)?(?:the|a|an|his|her|their|my|our|this|these|those|\\w+'s)\\b)))";

/**
 * Reasoning as an API's or a benchmark's word, not the model's thoughts: "returns the reasoning tokens
 * count", "set the reasoning effort", "the reasoning benchmarks".
 */
const NOT_A_SETTING = "(?![-_ ](?:tokens?|effort|budget|models?|mode|parameters?|settings?|benchmarks?|capabilit(?:y|ies)|abilit(?:y|ies)|skills|tasks?|questions?|problems?|datasets?|puzzles?)\\b)";

/**
 * Reasoning as a subject of study or teaching, not an ask: "an essay on the role of inner monologue",
 * "a paper on chain of thought faithfulness", "monitoring chain-of-thought reasoning in LLMs",
 * "teach chain-of-thought prompting". A researcher writing about it all week is not eliciting it.
 */
const A_TOPIC_INTRO =
  "\\b(?:essays?|papers?|articles?|thesis|dissertation|survey|study|studies|research|lectures?|talk|blog post|literature|course|class|books?|chapter|review)\\s+(?:on|about|of|into|regarding)\\s+(?:the\\s+)?(?:(?:role|concept|idea|nature|use|history|theory|psychology|limits|faithfulness|monitoring) of\\s+)?(?:the\\s+)?" +
  "|\\b(?:monitor(?:s|ing)?|study(?:ing)?|teach(?:es|ing)?|research(?:ing)?)\\s+(?:the\\s+)?";
const NOT_A_TOPIC =
  "(?![- ](?:prompting|prompts?|papers?|research|techniques?|methods?|faithfulness|monitor(?:s|ing|ability)?|literature|approach(?:es)?|studies|benchmarks?|distillation|interpretability)\\b)";
/**
 * Before "inner monologue" / "internal reasoning": someone's, not the model's. "My son's internal
 * reasoning", "Hamlet's inner monologue", "a character's raw thoughts" are about people; "the
 * model's" and "your" still count.
 */
const NOT_THE_MODELS_POSSESSION = `\\b(?:an?|my|our|his|her|their|one's)\\s+(?:\\w+'s\\s+)?|\\b(?!(?:model|assistant|ai|llm|system)'s)\\w+'s\\s+|${A_TOPIC_INTRO}`;

/** Verbs that ask for worked steps to be set down (work-then-answer). */
const WORK_VERB = `(?:${withPresentForms(["show", "lay out", "spell out", "set out", "write(?: out| down)?", "go over", "go through", "walk (?:me |us )?through", "talk (?:me |us )?through", "take (?:me |us )?through", "present", "detail", "give(?: me)?", "include", "explain", "list", "provide"])}|${REQUEST_FRAME})`;
/**
 * The worked steps as a whole ("all of your working", "every bit of the derivation", "your entire
 * logic", "the intermediate steps"), never bare: "explain your reasoning, then give the final answer"
 * and "show your work, then the answer" are how worksheets and students word a question, and stay the
 * weak asks (see HOMEWORK_VERB). Not "the steps to install Docker" nor "the logic in the billing
 * module": someone else's steps, with a purpose or a place after them; nor "your work schedule".
 */
const WORK_IN_FULL =
  "(?:(?:(?:all(?: of)?|every (?:bit|one|part) of|each of)\\s+(?:your|the)\\s+(?:(?:entire|whole|full|complete|intermediate)\\s+)?|(?:your|the)\\s+(?:entire|whole|full|complete|intermediate)\\s+)" +
  "(?:work(?:ings?)?(?!\\s+(?:schedules?|emails?|address|phones?|hours|days?|weeks?|place|station|history|experience|permits?|visas?|ethic|orders?|items?|flows?|load|life|out|space|shifts?|accounts?|laptops?|computers?|clothes|trips?|colleagues?|friends?)\\b)|steps|derivation|calculations|logic|reasoning|line of (?:reasoning|thought)|chain of (?:calculations|computations|steps|inferences|deductions)|thinking|thought process|intermediate steps)" +
  "|the\\s+(?:line of (?:reasoning|thought)|intermediate steps|thought process)" +
  // The plain nouns asked for at length: "explain your thinking in detail before committing to a final answer".
  "|your\\s+(?:reasoning|thinking|logic|working|thought process|scratch ?work|rough work)\\s+(?:in (?:full |great |complete |exhaustive |painstaking )?detail|in full|at length))\\b" +
  "(?!\\s+(?:to|for|of)\\s+(?!(?:the|this|that|each|every|your)\\s+(?:problem|question|task|answer|solution|equation|proof)\\b)|\\s+(?:in|on|behind)\\s+(?:an?|the|my|our|their|his|her)\\s)";
const WORK_ASK = `\\b${WORK_VERB}\\b[^.?!\\n]{0,25}?\\b${WORK_IN_FULL}`;
/** The answer kept apart, asked for first ("Before you answer, …") or after ("…, then the final answer"). */
const BEFORE_THE_ANSWER = "\\b(?:before (?:you )?(?:answer|respond|reply)(?:ing)?|before (?:giving|stating|writing) (?:the|your) (?:final )?answer|prior to (?:giving|stating|writing) (?:the|your) (?:final )?answer),?\\s+(?:[^.?!\\n]{0,20}?)";
const THEN_THE_ANSWER =
  "(?:[^\\n]{0,60}?\\b(?:then|before|and only then|followed by|(?:finish|end|conclude)(?:ing)? with|after that|(?:only )?at the (?:very )?end)\\b[^.?!\\n]{0,30}?\\b(?:(?:final )?answer|result|conclusion)\\b|[^\\n]{0,60}?\\b(?:then|and) conclude\\b|[^\\n]{0,60}?\\b(?:final )?answer (?:goes|comes) (?:last|at the end)\\b)";

/** The work wanted beside the answer, not instead of it: "…, not just the conclusion". */
const NOT_JUST_THE_ANSWER = ",?\\s+(?:and\\s+)?not (?:just|only|merely) (?:the|your|a) (?:final )?(?:answers?|conclusions?|results?|solutions?|closed form|numbers?|figures?|values?|verdicts?)\\b";

/** The model's analysis asked for in full (analysis-then-answer-slot). */
const ANALYSIS_IN_FULL = "(?:thorough|detailed|full|complete|exhaustive|step[- ]by[- ]step|careful|long|extended|in-depth)\\s+(?:analysis|reasoning|thinking|deliberation|working|derivation)\\b";
/** The reasoning asked for whole (complete-reasoning). */
const FULL = "(?:complete|full|entire|detailed|whole|long|longer|lengthy|verbose|extended)";
/** "Your entire chain of inferences", "the full train of thought": the chain named whole, as the process is. */
const FULL_THOUGHT = "(?:reasoning|rationale|thought process|thinking|deliberation|chains? of (?:thoughts?|reasoning|inferences?|deductions?|logic)|lines? of (?:reasoning|thought)|train of thought)\\b";
/** After such a noun, a thing named for it: "reasoning log", "thinking budget", "reasoning mode". */
const NOT_A_THING = "(?![- ](?:logs?|files?|engines?|modules?|modes?|budgets?|efforts?|settings?|parameters?|features?|capabilit(?:y|ies)|abilit(?:y|ies)|skills?|models?|benchmarks?|datasets?|pipelines?|systems?|tokens?)\\b)";

/** "Explain how you …", "walk me through the way you …" (how-you-arrived). */
const HOW_YOU = "\\b(?:explain|describe|show|tell me|unpack|explanation of|account of|version of|record of|(?:audit |paper )?trail of|walk (?:me |us )?through|talk (?:me |us )?through)\\b[^.\\n]{0,20}\\b(?:how|the way) you";
/**
 * Reaching an answer, not a place: "how you'd arrive at this" and "how you reached that conclusion", not
 * "how you'd get to the airport" or a role-play's "how you reached the summit".
 */
const TO_THE_ANSWER =
  "(?:actually |really )?(?:(?:(?:arrived|arrive) at|reached|reach|got to|get to|came to|come to) (?:(?:the|your|this|that|an?|its) )?(?:final )?(?:answers?|results?|solutions?|conclusions?|numbers?|verdicts?|estimates?|figures?)|(?:arrived|arrive) at (?:this|that|it)\\b(?!\\s+(?!(?:so|and|then|in|with|without|step|one|from|leaving)\\b)[a-z])|(?:got|get) there(?!\\s+(?:from|by|on|via|in|at|before|after|early|late|on time)\\b)|got (?:that|this|the|your) (?:answer|result|number|solution)|reasoned|worked (?:it|this|that) out|figured (?:it|this|that) out|solved (?:it|this|that|the (?:problem|question|puzzle|equation|task)))\\b";
/** How the model reached its answer, asked to be shown (how-you-arrived); "how you'd arrive at this" too. */
const HOW_YOU_ARRIVED = `${HOW_YOU} (?:actually |really )?(?:arrived at|reached|got to|came to|decided${NOT_A_LIFE_DECISION})\\b|${HOW_YOU}(?:'d|’d| would)? ${TO_THE_ANSWER}`;

/** German and Spanish for how it reached its answer ("wie du auf das Ergebnis gekommen bist", "cómo llegaste a"). */
const DE_HOW_YOU_ARRIVED = "\\bwie (?:du|Sie) (?:auf|zu) (?:das|dem|der|die|diese[mnrs]?|deine[mnr]?|Ihre[mnr]?) (?:Ergebnis|Antwort|Lösung|Schluss|Schlussfolgerung|Resultat)\\s+gekommen (?:bist|sind)\\b";
const DE_IN_DETAIL = "(?:ausführlich|lückenlos|im Detail|Schritt für Schritt)";
const ES_HOW_YOU_ARRIVED = "c[oó]mo (?:llegaste|has llegado) a";
const FR_HOW_YOU_ARRIVED = "comment (?:tu es|t'es|vous êtes) (?:arrivée?s?|parvenue?s?) (?:à|a) (?:cette|la|ta|votre|ce|ton) (?:réponse|solution|conclusion|résultat)";

/** What a derivation shown whole keeps and an answer drops (with-dead-ends). */
const DERIVED = "(?:derivation|reasoning|working|answer|proof|thinking)";
const DETOURS = "(?:dead[- ]ends?|false starts?|wrong turns?|blind alleys?|missteps)";

// The Latin and Cyrillic phrasings at the end of this list use /i alone: V8's /iu case folding made
// them ~10× slower, and /i folds these letters (é/É, ü/Ü, д/Д) the same way.
const STRONG: Pattern[] = [
  { id: "reveal-internal-reasoning", stems: ["reason", "thought", "thinking", "chain", "monolog", "scratch", "deliberat", "train of", "cognitive", "mental", "rationale", "consideration", "problem", "decision", "stream", "solution path"], re: new RegExp(`\\b${HOMEWORK_WITH_PLAIN_NOUN}${REVEAL_VERB}\\b[^.?!\\n]{0,40}?\\b(?:(?:your|its|the model'?s)\\s+(?:${INNER}\\s+){0,3}(?:${THOUGHT}|${GENERIC_PROCESS})${NOT_AN_OPINION}|the\\s+(?:${INNER},?\\s+){0,3}(?:${THOUGHT}\\b${NOT_A_SETTING}${NOT_SOMEONE_ELSES}|${GENERIC_PROCESS}(?=\\s+(?:that\\s+)?you\\b|\\s+(?:behind|for|of)\\s+(?:your|this|that|the)\\s+(?:answers?|responses?|replies|reply|solutions?|choices?|decisions?|verdicts?|refusals?|outputs?)\\b|,?\\s+(?:and\\s+)?not (?:just|only|merely) (?:the|your) (?:final )?(?:answers?|results?|solutions?)\\b)))`, "i"), weight: 0.75 },
  // The same ask with the process described and introduced by "a": its own pattern with its nouns
  // as stems, because "a " is everywhere and trying it in the reveal scan doubled that scan's cost.
  {
    id: "reveal-described-process",
    stems: ["reasoning process", "reasoning trace", "reasoning trajector", "reasoning chain", "reasoning step", "thought process", "thinking process", "internal monologue", "inner monologue", "deliberation", "train of thought", "solution path", "chain of", "chain-of"],
    re: new RegExp(`\\b${REVEAL_VERB}\\b[^.?!\\n]{0,40}?\\ban?\\s+(?:${INNER},?\\s+){1,3}${THOUGHT_PROCESS}\\b${NOT_A_TOPIC}${NOT_SOMEONE_ELSES}`, "i"),
    weight: 0.75,
  },
  {
    id: "asks-for-your-reasoning",
    // Its words for thinking, not "you": nearly every prompt says "you", and the scan is not free.
    stems: ["reason", "think", "thought", "logic", "deliberat", "rationale", "mind", "head", "consider", "train of", "mental", "step", "line of", "infer", "deduc", "decision", "decided", "judg", "assum", "factor", "balanc", "principle", "rules", "criteria", "guideline", "policies", "standards", "what went into", "intermediate", "weigh", "reject", "conclu", "justif", "how you", "how your", "the way you", "chain you", "chain that you", "path you", "path that you", "scratch", "rough work", "working", "worked it out", "worked this out", "worked that out", "you tried", "you attempted", "you have tried", "you've tried", "you have attempted", "you've attempted", "you ruled out", "you discarded", "process that", "process which", "path that", "path which", "you explored", "you dismissed", "why you", "back-and-forth you", "debate you", "debates you", "debate that you", "dialogue you", "dialogue that you", "argument you", "arguments you", "argument that you", "parts you", "part you", "part that you", "work you", "work that you"],
    re: new RegExp(
      // Verb first, in one pass over the verbs (a homework verb only with the model's own process); then
      // "your reasoning ... show it". The process before its verb ("everything you considered, write it
      // down") matched nothing the verb-first reading missed, in the corpora and four phrasing lists,
      // and cost the most of the four readings.
      `\\b(?:${NOT_HOMEWORK_VERB}${DISCLOSE}\\b[^.?!\\n]{0,80}?(?:${OWN_THINKING_NOUN}|${OWN_THINKING_PROCESS})|(?=${HOMEWORK_VERB}\\b)${DISCLOSE}\\b[^.?!\\n]{0,80}?${OWN_THINKING_PROCESS})` +
        `|${OWN_THINKING_NOUN}[^.?!\\n]{0,80}?\\b${NOT_HOMEWORK_VERB}${DISCLOSE}\\b`,
      "i",
    ),
    weight: 0.5,
  },
  // A scratchpad only as the model's ("your hidden scratchpad"): papers call theirs "the hidden scratchpad" too.
  {
    id: "internal-reasoning-noun",
    stems: ["internal", "inner", "hidden", "private", "raw", "unfiltered"],
    re: new RegExp(`(?<!${NOT_THE_MODELS_POSSESSION})\\b(?:internal|inner|hidden|private|raw|unfiltered)\\s+(?:reasoning|thoughts?|monologue|chain[- ]of[- ](?:thought|reasoning)|thinking|thought process|deliberations?)\\b${NOT_SOMEONE_ELSES}|\\byour\\s+(?:hidden|private|internal|inner)\\s+scratch ?pads?\\b`, "i"),
    weight: 0.7,
  },
  // Not what models do as a subject: "how do large language models do chain-of-thought reasoning internally?".
  { id: "chain-of-thought", stems: ["chain"], re: new RegExp(`(?<!${A_TOPIC_INTRO})(?<!\\b(?:models?|llms?|ais?|systems?|networks?|transformers?|they|people|humans?)\\s+(?:do|does|did|use|uses|used|perform|performs|produce|produces|generate|generates|learn|learns)\\s+)\\bchain[- ]of[- ]thoughts?\\b${NOT_A_TOPIC}`, "i"), weight: 0.55 },
  // The abbreviation as people write it ("CoT", "COT"), not under /i: a lowercase "cot" is a child's
  // bed ("I need a cot for my baby" scored as an ask for the chain of thought). It is also the
  // cotangent: not after a backslash (LaTeX) or a trigonometric function named just before, nor
  // before an angle, a variable, a number or a bracket ("cot theta", "cot(x)", "cot²", "cot A",
  // "sin, cos and cot", "cot of 30°"). "If cot theta is 10/11, find cos theta" was scored as an ask
  // for the chain of thought, and made a casual user look like a ring member.
  {
    id: "cot-abbreviation",
    stems: ["cot"],
    re: /(?<!\\|\b(?:[Ss]in|[Cc]os|[Tt]an|[Ss]ec|[Cc]sc|[Cc]osec|SIN|COS|TAN|SEC|CSC)\b[^.?!\n]{0,20})\b(?:CoT|COT)\b(?!\s*(?:[([{^²³⁻θαβγφψπ°\d]|(?:[Tt]heta|[Aa]lpha|[Bb]eta|[Gg]amma|[Pp]hi|[Pp]si|[Pp]i)\b|of\s+(?:the\s+)?(?:angle|[\dθαβγφψπ])|[a-zA-Z]\b))/,
    weight: 0.55,
  },
  // "Reason explicitly and exhaustively; only then write the answer": reasoning done on the page, as
  // thinking aloud is. An instruction, at a clause's start: "the reason explicitly given" is a noun.
  { id: "reason-explicitly", stems: ["explicitly", "visibly", "exhaustively"], re: /(?:^|[.!?:;\n]\s*|\b(?:please|always|you should|you must)\s+)reason (?:\w+ ){0,2}?(?:explicitly|visibly|exhaustively)\b/i, weight: 0.5 },
  { id: "think-aloud", stems: ["loud", "aloud", "narrat", "verbali"], re: /(?<!\b(?:(?<!\b(?:you|u)\s+)to|i|we|people|someone|they|he|she|kids|children|students|learners|participants|you tend to|do you)\s+)\b(?:think(?:ing)?|reason(?:ing)?|reflect(?:ing)?|deliberat(?:e|ing)|ponder(?:ing)?|work(?:ing)? (?:through|out)|solv(?:e|ing)|figur(?:e|ing) out)(?: \w+){0,3}? (?:out loud|aloud)\b|\btalk(?:ing)? (?:me |us )?through (?:the|this|it|your)\b[^.?!\n]{0,60}?\b(?:out loud|aloud)\b|\bnarrat(?:e|ing) (?:your|each|every) (?:thought|thinking|reasoning|step)|\bverbali[sz](?:e|ing) (?:your|each|every)/i, weight: 0.6 },
  { id: "thinking-tags", stems: ["<", "[", "tags"], re: /(?<!\bwhat\s+(?:(?:are|is|do|does)\s+)?(?:the\s+)?)<\s*\/?\s*(?:think|thinking|thoughts?|reasoning|scratchpad|inner_monologue|inner_thoughts|internal_thoughts|reflection|chain_of_thought|cot|rationale|deliberation)\s*>(?!(?:\s+and\s+<\/?\w+>)?\s+tags?\s+(?:are|is|do|does|work|works|mean|means|used)\b)|\[\s*\/?\s*(?:think|thinking|thoughts|reasoning|scratchpad)\s*\]|<\|?\s*(?:begin|start|end)_of_(?:thought|thinking|reasoning)\s*\|?>|\b(?:inside|within|between|wrapped in|in) <?(?:think|thinking|reasoning|scratchpad|reflection)>? tags\b|\b(?:reason|think|deliberat|reflect)(?:s|ing|e|ed)?\b[^.\n]{0,40}?\b(?:inside|within|between|wrapped in|in|using)\s+(?:the\s+)?<\s*(?!(?:documents?|context|texts?|questions?|inputs?|data|examples?|emails?|articles?|code|query|queries|instructions?|passages?|transcripts?|sources?|user|files?|problems?|tasks?|prompts?|answers?|final_answer|outputs?|responses?|results?|solutions?)\s*>)[a-z_]+\s*>/i, weight: 0.75 },
  // An analysis tag before the answer's tag: the reasoning channel and the final one of the reasoning
  // models' own format ("<analysis>…</analysis><final>…</final>"). An "<analysis>" tag alone is a
  // report's section; with the answer's tag after it, the reasoning is asked for first, as in thinking tags.
  {
    id: "analysis-tag-then-answer",
    stems: ["analysis>", "analysis >", "analyse>", "analyze>", "exploration>", "working>"],
    re: /<\s*(?:analysis|analyse|analyze|exploration|working)\s*>[\s\S]{0,300}?<\s*(?:final|answer|final_answer|finalanswer|conclusion|verdict|output|response|result)\s*>/i,
    weight: 0.5,
  },
  // The reasoning asked to be most of the reply: "make your thought process the main part of the reply",
  // "most of your response should be your reasoning". An essay's "make the argument the main part" is not the model's.
  {
    id: "reasoning-the-bulk",
    stems: ["main part", "central part", "biggest part", "largest part", "longest part", "bulk", "most of", "majority", "larger part"],
    re: /\bmak(?:e|es|ing)\s+your\s+(?:\w+\s+)?(?:reasoning|thinking|thought process|working|deliberation|derivation)\s+(?:the\s+)?(?:main|central|biggest|largest|longest|bulk)\s+(?:(?:part|portion|section|body)\s+)?of\s+(?:the|your)\s+(?:reply|response|answer|output)\b|\b(?:most|the bulk|the majority|the main part|the larger part)\s+of\s+your\s+(?:reply|response|answer|output)\s+(?:should|must|will|needs to|has to)\s+be\s+(?:your\s+)?(?:\w+\s+)?(?:reasoning|thinking|thought process|working|deliberation|derivation)\b/i,
    weight: 0.5,
  },
  // A place in the answer's format kept for the reasoning: a field, a key, a labelled section before
  // the answer. Below the bar alone: developers' structured outputs carry such fields too (a
  // "chain_of_thought" field is a library idiom); with any other ask it makes a hit.
  {
    id: "reasoning-slot",
    stems: ["thought", "thinking", "reasoning", "chain", "scratch", "inner", "internal", "deliberat"],
    re: new RegExp(
      `\\b(?:thought_?process|thinking_?process|chain_?of_?thoughts?|reasoning_?(?:steps|trace|process|chain)|internal_?reasoning|inner_?monologue|step_?by_?step_?reasoning)\\b` +
        `|["'\`‘“](?:thinking|reasoning|thoughts|thought process|chain of thought|scratch ?pad|inner monologue|internal reasoning)["'\`’”]\\s*(?::|\\(|(?:sections?|fields?|keys?|propert(?:y|ies)|blocks?|parts?)\\b)` +
        // A key described as the model's thinking: '"analysis" (your full step-by-step thinking)'.
        `|["'\`‘“][\\w ]{1,30}["'\`’”]\\s*(?:\\(|:|-|—|=)\\s*(?:containing\\s+|with\\s+|for\\s+|holding\\s+)?(?:your|the model'?s)\\s+(?:[\\w-]+\\s+){0,3}?(?:thinking|reasoning|thought process|chain of thought|deliberation|rationale|thoughts)\\b` +
        `|\\b(?:sections?|fields?|keys?|headings?|blocks?|parts?|headers?)(?:\\s*:\\s*|\\s+(?:called|named|titled|labell?ed|marked)\\s+)["'\`‘“]?(?:thinking|reasoning|thoughts|thought\\s*(?:and|&|,|\\/)\\s*["'\`‘“]?(?:solution|answer|response|output)|thought process|chain of thought|scratch ?pad|inner monologue|internal reasoning|deliberation)\\b` +
        `|\\b(?:an?|the|your)\\s+(?:\\w+\\s+)?(?:reasoning|thinking|thought process|deliberation|chain[- ]of[- ]thought)\\s+(?:section|block|field|phase|stage)\\b` +
        `|\\bscratch ?pad (?:section|area|block|field|space)\\b|\\b(?:in|on|use) (?:a|your|the) scratch ?pad (?:(?:below|above|here|provided) )?(?:to|where|for)\\b` +
        `|^[ \\t*#]*(?:reasoning|thinking|thoughts?|thought process|chain of thought|scratch ?pad)[ \\t*]*:[^\\n]*\\n(?:[^\\n]*\\n){0,6}?[ \\t*#]*(?:final answer|answer|response|verdict|output)[ \\t*]*:` +
        // A template's placeholder for it: "Reasoning: <your step-by-step reasoning> Answer: <final answer>".
        `|<\\s*your\\s+(?:[\\w-]+\\s+){0,3}?(?:reasoning|thinking|thoughts|thought process|rationale|chain of thought|deliberation)\\s*>`,
      "im",
    ),
    weight: 0.45,
  },
  // A thought slot with a slot for checking it and then the answer, and no tool step: "Thought: …
  // Reflection: … Final Answer: …" asks for the reasoning and its self-critique, the trace a harness keeps.
  // An agent framework's ReAct format has Thought and Final Answer too, but acts between them (Action:);
  // a CBT thought record has Thought and Reflection but no answer. Read from the text's start only, so the
  // look for an action line is one pass.
  {
    id: "reflect-then-answer-format",
    stems: ["reflection", "critique", "verification", "self-check"],
    re: /(?<![\s\S])(?![\s\S]*^[ \t*#]*action(?: input)?[ \t*]*:)[\s\S]*?^[ \t*#]*thoughts?[ \t*]*:[^\n]*\n(?:[^\n]*\n){0,6}?[ \t*#]*(?:reflection|self-critique|critique|verification|self-check)[ \t*]*:[^\n]*\n(?:[^\n]*\n){0,6}?[ \t*#]*(?:final answer|answer)[ \t*]*:/im,
    weight: 0.5,
  },
  {
    id: "reconstruct-from-answer", stems: ["answer", "solution", "output", "label", "verdict"],
    re: /\b(?:here is|here's|given|this is|below is|i have|the (?:correct |final )?answer is)\b[^\n]{0,200}?\b(?:answer|solution|output|label|verdict)\b[\s\S]{0,300}?\b(?:write|reconstruct|generate|produce|explain|derive|recover|provide|give|show)\b[^.\n]{0,40}\b(?:reasoning|rationale|derivation|steps|thought process|chain of thought|justification|explanation)\b[^.\n]{0,40}\b(?:led|leads|lead|leading|arrive|arrives|arrived|get|gets|got|result(?:s|ed)?|produce[sd]?|behind)\b/i,
    weight: 0.8,
  },
  // How harnesses that build training sets introduce themselves ("you are a teacher model", "generate reasoning
  // traces") or say what the answers are for ("a long-form solution … suitable for training a student model").
  {
    id: "trace-harvest-framing",
    // Its rarer words: "write" and "generate" are in most prompts.
    stems: ["teacher model", "trace", "student model", "smaller model", "small model", "weaker model", "student llm", "smaller llm", "on your output", "on your answer", "on your response", "on your repl", "on your completion", "on your generation"],
    re: /\b(?:you are|act as|acting as|serve as)\s+(?:a|the)\s+teacher model\b|\b(?:generat|produc|writ|creat)\w*\s+(?:\w+\s+){0,2}?(?:reasoning|training|thought|cot|solution)\s+traces?\b|\b(?:suitable|used|usable|good|fit|intended|meant|needed|collected|gathered)\s+(?:for|to|in)\s+(?:train|training|fine-?tun(?:e|ing)|distill?(?:ing)?(?: into)?)\s+(?:a|the|our|my)\s+(?:student|smaller|small|weaker)\s+(?:model|llm)\b|\b(?:train|training|fine-?tun(?:e|ing)|distill?(?:ing)?)\s+(?:a|my|our|the)\s+(?:[\w-]+\s+)?(?:model|llm)\s+on\s+your\s+(?:outputs?|answers?|responses?|replies|completions?|generations?)\b/i,
    // Below the bar alone (a developer describing a project), over it with any ask for the reasoning, however weak.
    weight: 0.4,
  },
  // The same harness saying what it is doing ("you are generating training data"); its own pattern,
  // so the scan above runs only where its rare words are.
  {
    id: "training-data-framing",
    stems: ["training data", "training example", "training sample", "training corpus", "fine-tuning data", "fine-tuning example", "finetuning", "distillation data", "distillation example", "sft data", "sft example", "synthetic data", "synthetic example", "synthetic sample", "synthetic corpus", "reasoning data", "reasoning example", "reasoning corpus"],
    re: /\b(?:you are|you're|we are|we're|i am|i'm)\s+(?:generating|creating|building|producing|collecting|writing)\s+(?:\w+\s+){0,2}?(?:training|fine-?tuning|distillation|sft|synthetic|reasoning)\s+(?:data|dataset|examples|samples|corpus)\b/i,
    weight: 0.35,
  },
  { id: "reverse-engineer-reasoning", stems: ["reverse", "backward", "backfill", "retro"], re: /\b(?:reverse[- ]engineer|work backwards? from|backfill|retro-?fit)\b[^.\n]{0,60}\b(?:reasoning|answer|solution|rationale|steps)\b/i, weight: 0.7 },
  // "Every piece of your logic", but not a user's objection ("every part of your reasoning is wrong").
  { id: "every-step-of-reasoning", stems: ["your reasoning", "your thinking", "your thought", "your logic", "your working"], re: /\b(?:every|each|all(?: of)?(?: the| your)?)\s+(?:single\s+)?(?:intermediate\s+)?(?:step|thought|bit|piece|part)s?\s+(?:of|in)\s+your\s+(?:reasoning|thinking|thought process|logic|working)\b(?!\s+(?:is|was|are|were|seems?|falls?|fails?|makes?|doesn't|does not|holds?|looks?)\b)/i, weight: 0.6 },
  // Bare "steps" is a beginner's ("don't skip any steps when you describe how to replace a bike chain"),
  // as "show your work" is a worksheet's: only the steps of its reasoning count.
  { id: "do-not-skip-reasoning", stems: ["skip", "omit", "summari", "hid", "leav"], re: /\b(?:do not|don't|never|without)\s+(?:skip(?:ping)?|omit(?:ting)?|summari[sz](?:e|ing)|hid(?:e|ing)|leav(?:e|ing) out)\b[^.\n]{0,30}\b(?:reasoning|thoughts|thinking|thought process|rationale|considerations|line of thought|steps? (?:of|in) (?:your|the) (?:reasoning|thinking|thought process|logic|deliberation))\b/i, weight: 0.55 },
  { id: "walk-through-reasoning", stems: ["walk", "talk"], re: /\b(?:walk|talk) (?:me |us )?through (?:your|the|each|every)\s+(?:\w+\s+){0,2}?(?:decision|thought|thinking|reasoning|deliberation)(?: process| steps)?\b/i, weight: 0.5 },
  // The transcript of its solving, only as "your": "the complete problem-solving process for a Rubik's
  // cube" asks how it is done. Not a thing named for reasoning ("the full reasoning log of the build
  // system", "the full thinking budget") nor someone else's ("the full reasoning of the court").
  {
    id: "complete-reasoning",
    stems: ["reasoning", "rationale", "thought process", "thinking", "deliberation", "problem-solving", "problem solving", "walk", "breakdown", "account of", "chain of thought", "chain of reasoning", "chain of inference", "chain of deduction", "chain of logic", "chains of", "line of reasoning", "line of thought", "lines of reasoning", "lines of thought", "train of thought"],
    re: new RegExp(
      `\\b(?:your\\s+${FULL}\\s+${FULL_THOUGHT}${NOT_A_THING}|the\\s+${FULL}\\s+${FULL_THOUGHT}${NOT_A_THING}${NOT_SOMEONE_ELSES})` +
        `|\\byour\\s+(?:complete|full|entire|detailed|whole)\\s+(?:problem[- ]solving (?:process|transcript|log)|(?:reasoning|thinking) (?:transcript|log))\\b` +
        `|\\b(?:a|the)\\s+(?:${FULL}\\s+)?(?:transcript|log|record)\\s+of\\s+your\\s+(?:problem[- ]solving|reasoning|thinking|thought process|deliberations?)\\b` +
        `|\\b(?:complete|full|detailed|thorough|step[- ]by[- ]step)\\s+(?:walk-?through|breakdown|account)\\s+of\\s+your\\s+(?:reasoning|logic|thinking|thought process)\\b` +
        `|\\b(?:full|long|longer|complete|unabridged|uncut|unedited|raw|detailed|entire|whole|extended)\\s+version\\s+of\\s+(?:your|the model'?s)\\s+${FULL_THOUGHT}`,
      "i",
    ),
    weight: 0.5,
  },
  { id: "explain-reasoning-fully", stems: ["reasoning", "thinking", "thought process"], re: /\b(?:explain|describe|detail|elaborate on)\s+(?:all(?: of)?\s+)?your\s+(?:reasoning|thinking|thought process)\s+(?:thoroughly|fully|completely|exhaustively|in (?:full|complete|great|exhaustive|painstaking) detail|(?:at|for) (?:every|each) (?:step|stage))\b/i, weight: 0.5 },
  { id: "intermediate-thoughts", stems: ["intermediate"], re: /\b(?:every|each|all(?: of)?(?: the| your)?)\s+(?:single\s+)?intermediate\s+(?:thoughts?|thinking|reasoning|inferences?|deductions?|conclusions?)\b/i, weight: 0.55 },
  { id: "how-you-think", stems: ["how you"], re: /\b(?:see|show me|watch|follow)\s+(?:exactly\s+|precisely\s+)?how you (?:think|reason)\b/i, weight: 0.45 },
  { id: "make-reasoning-visible", stems: ["transparent", "visible", "explicit"], re: /\bmak(?:e|es|ing)\s+(?:your\s+(?:\w+\s+){0,2}?(?:reasoning|thinking|thought process|thoughts|deliberation)|(?:every|each|all(?: of)?(?: your)?)\s+(?:deductions?|inferences?|reasoning steps?|steps? of your reasoning))\s+(?:\w+\s+)?(?:transparent|visible|explicit)\b|\bwith\s+(?:all|every|each)\s+(?:(?:of\s+)?(?:the|your)\s+)?(?:reasoning(?: steps?)?|thinking|deductions?|inferences?|steps? of (?:the|your) reasoning)\s+(?:made|left|kept|spelled out and)\s+(?:fully\s+)?(?:transparent|visible|explicit)\b/i, weight: 0.55 },
  // The model's head or mind as the place its reasoning happens, asked to be entered or listed: "take
  // me inside your head as you solve this", "what goes through your mind when answering this". Someone
  // else's mind ("the mind of a grandmaster"), a feeling ("when you see the sea") or a lecturer's question
  // to a hall ("what goes through your mind when you think of…", in a transcript) is not it.
  {
    id: "inside-your-head",
    stems: ["your head", "your mind"],
    re: /\b(?:take|let|bring|invite)\s+(?:me|us)\s+(?:inside|into)\s+your\s+(?:head|mind)\b|\b(?:see|look|peek|peer)\s+(?:inside|into)\s+your\s+(?:head|mind)\b[^.?!\n]{0,30}?\b(?:while|as|when) you(?:'re| are)?\s+(?:work|solv|answer|reason|think|tackl)\w*|\b(?:go(?:es)?|went|runs?|ran|passe[sd])\s+(?:on\s+)?(?:in|through)\s+your\s+(?:head|mind)\s+(?:when|while|as)\s+(?:(?:answering|solving|working on|reasoning about|tackling|approaching|deciding|responding to)\b|you(?:'re| are)?\s+(?:answer(?:ing)?|solv(?:e|ing)|work(?:ing)? on|tackl(?:e|ing)|approach(?:ing)?|respond(?:ing)? to)\s+(?:this|that|it|these|each|the (?:question|problem|task|prompt|puzzle))\b)/i,
    weight: 0.55,
  },
  // The conclusions it reaches on the way, written out before the last: its inference chain by another name.
  {
    id: "intermediate-conclusions",
    stems: ["intermediate", "interim"],
    re: /\b(?:write|list|show|spell|set|lay|give|state|number)(?:s|ing)?(?: out| down)?\b[^.?!\n]{0,30}?\b(?:intermediate|interim)\s+(?:conclusions|inferences|deductions)\b[^.?!\n]{0,30}?\b(?:you (?:reach|draw|make|come to)|(?:on|along) the way|as you go)\b/i,
    weight: 0.55,
  },
  // Its dead ends shown with its working: the exploration a reasoning trace holds and an answer drops
  // ("the derivation that gets you to the answer, including the dead ends"; "the full derivation as
  // you'd do it on a whiteboard, false starts included"). A career's false starts are not a derivation's.
  {
    id: "with-dead-ends",
    stems: ["dead end", "dead-end", "false start", "wrong turn", "blind alle", "misstep"],
    re: new RegExp(
      `\\b(?:you|your)\\b[^.?!\\n]{0,40}?\\b${DERIVED}\\b[^.?!\\n]{0,60}?\\b(?:including|with|and|show(?:ing)?|list(?:ing)?)\\s+(?:the |your |any |all (?:the )?|every )?${DETOURS}\\b` +
        `|\\b${DERIVED}\\b[^.?!\\n]{0,30}?\\b(?:gets?|got|brings?|takes?|led|leads?) you\\b[^.?!\\n]{0,40}?\\b(?:including|with|and)\\s+(?:the |your |any |all (?:the )?|every )?${DETOURS}\\b` +
        `|(?:\\b(?:you|your)\\b[^.?!\\n]{0,40}?\\b${DERIVED}|\\b${DERIVED}\\b[^.?!\\n]{0,40}?\\byou)\\b[^.?!\\n]{0,60}?\\b${DETOURS}\\s+(?:and\\s+(?:all\\s+)?\\w+\\s+)?included\\b`,
      "i",
    ),
    weight: 0.5,
  },
  // Each step of its own solution justified as it was made: "for every line of the solution say why you
  // wrote it", "annotate each move with why you made it". Past tense only: "for each step, explain why
  // you knead the dough" is a recipe's anyone.
  {
    id: "why-each-step",
    stems: ["why you"],
    re: /\b(?:every|each)\s+(?:single\s+)?(?:line|step|move)\b[^.?!\n]{0,60}?\b(?:say|explain|tell me|state|note|write|annotate|justify|give|add|comment on)\b[^.?!\n]{0,30}?\bwhy you (?:wrote|made|took|chose|did|picked|played)\b|\b(?:say|explain|tell me|state|note|write|justify|comment on)\b[^.?!\n]{0,30}?\bwhy you (?:wrote|made|took|chose|did|picked|played)\s+(?:each|every)\s+(?:single\s+)?(?:line|step|move)\b|\b(?:annotate|explain|justify|comment on)\s+(?:each|every)\s+(?:single\s+)?(?:line|step|move)\b[^.?!\n]{0,40}?\bwhy you (?:wrote|made|took|chose|did|picked|played)\b/i,
    weight: 0.5,
  },
  // Its own questioning of each step, written: "a long monologue where you question yourself at each
  // step". Not a coach's "challenge yourself at each stage of the workout".
  {
    id: "question-yourself-each-step",
    stems: ["yourself"],
    re: /\b(?:monologue|dialogue|write|writing|show|showing|solve|solving|answer|answering|reason|reasoning)\b[^.?!\n]{0,60}?\b(?:question|interrogate|argue with|debate with|doubt|cross-examine)\s+yourself\b[^.?!\n]{0,20}?\b(?:at|after|on|for|in)\s+(?:each|every)\s+(?:single\s+)?(?:step|stage|line|move)\b/i,
    weight: 0.5,
  },
  // Thinking asked for, then shown: "think deeply before answering, and let me see that thinking"; not
  // put into a document of the user's ("include that thinking in the proposal"). Sixty characters
  // between: "reason at length about the design trade-offs step by step and show all that reasoning" has 44.
  {
    id: "show-that-thinking",
    stems: ["that thinking", "this thinking", "that reasoning", "this reasoning", "that thought process", "this thought process", "that deliberation", "this deliberation"],
    re: /\b(?:think|reason|deliberate)(?:s|ing)?\s+(?:\w+\s+){0,2}?(?:deeply|carefully|hard|thoroughly|at length|it through|this through|before (?:answering|you answer|responding|you respond))\b[^.?!\n]{0,60}?\b(?:let me see|let us see|show(?: me| us)?|write(?: out| down)?|include|give me|share|print|output|paste|keep)\s+(?:all (?:of )?)?(?:that|this)\s+(?:thinking|reasoning|thought process|deliberation)\b(?!\s+(?:in|into|to)\s+(?:the|your|my|our|an?)\s+(?!(?:answer|response|reply|output)\b))/i,
    weight: 0.5,
  },
  // Its considerations in the order it had them: the trace, not a checklist ("list every consideration" alone is anyone's).
  { id: "in-the-order-you-had-them", stems: ["order you", "order that you"], re: /\b(?:considerations?|thoughts?|ideas?|steps?|inferences?)\b[^.?!\n]{0,30}?\bin the order (?:that )?you (?:had|thought of|considered|reached|made) (?:it|them)\b/i, weight: 0.55 },
  { id: "what-you-considered", stems: ["consider", "dead end", "everything you", "what were you", "what are you", "what would you", "what will you"], re: /\bconsiderations? you (?:weighed|considered|rejected|made)\b|\bdead ends? you (?:explored|considered|hit|tried)\b|\bwrite (?:out|down)\s+everything you(?:'re| are)?\s+(?:considering|thinking)\b|\bwhat (?:were|are) you thinking (?:as|while|when|during|at (?:each|every))\b|\bwhat (?:would|will) you be thinking (?:as|while|when) you (?:(?:work|go|reason|think) through|solve|answer|tackle|approach) (?:this|it|the (?:problem|question|task|proof|puzzle))\b/i, weight: 0.5 },
  // The stock zero-shot triggers of published chain-of-thought work, as distillation harnesses append
  // them: "Let's think step by step" (Kojima et al.; reworded, "let's reason about it one step at a
  // time"), "Let's work this out in a step by step way to be sure we have the right answer" (APE), "Take
  // a deep breath and work on this problem step-by-step" (OPRO), Plan-and-Solve's "devise a plan", a rationale asked for before the answer,
  // "answer … by reasoning step-by-step", and DeepSeek-R1-Zero's template ("The assistant first thinks
  // about the reasoning process in the mind and then provides the user with the answer"). Each part
  // alone ("step by step", "let's think") stays weak: students write those, and "let's work through the
  // installation step by step" is a guided setup, so only thinking and reasoning reach further ("let's
  // reason through this carefully and systematically, step by step"). Real users wrote a whole trigger
  // in 10 of 2,116 organic corpus prompts (0.5%), a harness in most of its requests; the account level
  // counts rates, and 0.55 stays under the request-level policy bar.
  {
    id: "cot-trigger",
    absorbsWeak: true,
    // Each alternative's rarer word: "let", "think" and "first" are in most prompts.
    stems: ["step", "devise", "take a deep breath", "rationale", "reasoning", "chain of thought", "thought process"],
    re: /\blet(?:['’]?s| us) (?:think|reason)\b[^.\n]{0,50}?\b(?:step[- ]by[- ]step|one step at a time)\b|\blet(?:['’]?s| us) (?:work|solve|tackle)\b[^.\n]{0,20}?\bstep[- ]by[- ]step\b|\b(?:answer|solve|respond|reply)\b[^.\n]{0,40}?\bby (?:thinking|reasoning)\s+(?:\w+\s+)?(?:step[- ]by[- ]step|one step at a time)\b|\blet(?:['’]?s| us) (?:first )?understand the problem and devise a plan\b|\btake a deep breath and (?:think|work|solve|reason)\b(?:[^.\n]{0,40}?\bstep[- ]by[- ]step\b)?|(?:^|[.!?:;\n]\s*|\b(?:please|you should|you must|always)\s+)(?:think|reason)\s+(?:\w+\s+)?(?:step[- ]by[- ]step|one step at a time)\b|\bfirst,?\s+(?:give|provide|write|state|explain|output|generate)\s+(?:your|a|the)\s+(?:\w+\s+)?(?:rationale|reasoning|chain of thought|thought process)\b[^.\n]{0,30}?\bthen\b|\b(?:you|the assistant|the model|the ai)\s+(?:first\s+)?(?:think|thinks|reason|reasons)\s+about\s+the\s+reasoning\s+process\b[^.\n]{0,40}?\bthen\b|\bthe reasoning process and (?:the )?answer are enclosed\b/im,
    weight: 0.55,
  },
  // The instruction-tuning collections' other chain-of-thought closers ("Let's solve it slowly:", "Let's
  // be accurate as possible and think first.", "Let's do a little reasoning.", "Let's think first. Stream
  // of consciousness:"), "let me think step by
  // step" said for the model, each at the prompt's end (or before its colon), and "think it through in
  // writing" (on paper, on the page) as an instruction, "reason about each one in turn in writing", or
  // "do your thinking on paper": whole phrases,
  // as the stock triggers above. A person's own "let me think step by step about my options" or "let's
  // solve this slowly, I'm not in a rush" is not one.
  {
    id: "cot-closer",
    absorbsWeak: true,
    stems: ["in writing", "solve it slowly", "solve this slowly", "accurate as possible", "little reasoning", "let me think", "let me reason", "think it through", "think this through", "think things through", "on paper", "on the page", "stream of consciousness", "think first"],
    re: /\breason(?:ing)?\s+(?:about|through|over)\b[^.?!\n]{0,40}?\bin writing\b|\blet(?:['’]?s| us) (?:solve (?:it|this) slowly|be (?:as )?accurate as possible|do a little reasoning)(?:\s*:|[.!]?\s*$|\s+and think\b)|\blet me (?:think|reason) step[- ]by[- ]step[:.]?\s*$|(?:^|[.!?:;\n]\s*|\bplease\s+)think (?:it|this|things) through (?:in writing|on paper|on the page)\b|\b(?:do|put|keep|write)(?:ing)? (?:all (?:of )?)?your (?:thinking|reasoning) (?:out |down )?on (?:paper|the page)\b|\blet(?:['’]?s| us) think first\b[.:]?\s*(?:stream of consciousness(?: rationale)?\s*:|$)|(?:^|\n)\s*stream of consciousness(?: rationale)?\s*:\s*$/i,
    weight: 0.55,
  },
  // The chain-of-thought templates of the public instruction collections (FLAN 2022's CoT submix, which
  // the CoT Collection and its successors reuse), as a harness replaying those sets sends them: closers
  // ("Let's solve this gradually.", "Please answer this question gradually:", "Think carefully first, then
  // make a decision:", "Answer with step-by-step thinking:", "Use reasoning to lead to the answer of the
  // following question", "Answer the following question, with explanation first.", "Please answer and
  // provide answer explanation."), the dialogue frames that end where the reasoning goes ("Teacher:
  // Let's think:", "Mei: OK, So, let's think first... Me:", "Le: OK, so how can I answer with some
  // explanation?", "Hmmm, let me think. I want to lay out the solution in details."), a stream of
  // consciousness or random thoughts asked for before the answer ("Answer the following Q with stream of
  // consciousness", "Let's give some random thoughts before answering"; not a stream-of-consciousness
  // poem), and "let's answer this question slowly"; the labels those templates end on are
  // reasoning-label-last's. Whole phrases, as the stock triggers above: none is in the 2,116 organic corpus
  // prompts, and "let's think" ends a prompt only as the collections' closer.
  {
    id: "cot-collection-template",
    absorbsWeak: true,
    stems: ["answer explanation", "gradually", "with some explanation", "think first", "let's think", "let us think", "let’s think", "make a decision", "step thinking", "reasoning to", "thinking to", "explanation first", "lay out the solution", "stream of consciousness", "stream-of-consciousness", "slowly", "random thoughts", "random reasoning"],
    re: /\bplease answer and provide answer explanation\b|\blet(?:['’]?s| us) solve (?:this|it) gradually\b|\bplease answer (?:this|the following) question gradually\b|\bi want to lay out the solution in details?\b|\bok,? so how can i answer (?:this )?with some explanation\b|\bok,? so,? let(?:['’]?s| us) think first\b|(?:^|[.!?:\n]\s*)(?:ok[.,]?\s+)?let(?:['’]?s| us) think\s*[.!]?\s*$|\bthink carefully first,? then make a decision\b|\banswer with step[- ]by[- ]step thinking\b|\buse (?:some )?(?:reasoning|thinking) to (?:answer|solve|lead to the answer)\b|\b(?:answer|respond to)\b[^.\n]{0,40}?,? with (?:an? )?explanation first\b|\b(?:give|output|write|provide|produce|generate|start with|begin with)\b(?: me)?\s+(?:a |some |your )?stream[- ]of[- ]consciousness\b[^.\n]{0,30}?\b(?:before|then|followed by|first)\b|\b(?:answer|respond|reply)\w*\b[^.\n]{0,40}?\bwith (?:a |some )?stream[- ]of[- ]consciousness\b|\busing (?:a |some )?stream[- ]of[- ]consciousness,? (?:answer|respond|reply|solve)\b|\blet(?:['’]?s| us) (?:answer|solve|work|think|reason)\b[^.\n]{0,30}?\bslowly\s*(?::|[.!]?\s*$)|\b(?:some )?random (?:thoughts|reasoning)\b[^.\n]{0,20}?\b(?:before|then|first)\b/i,
    weight: 0.55,
  },
  // The same collections' rationalisation templates: a reasoning written toward an answer already given
  // ("What is the step-by-step reasoning process to arrive at the answer: yes?", "Explain simply why yes is
  // the correct answer to: …", "Come up with a question and reasoning that would justify this answer: 42",
  // "Imagine a question and stream-of-consciousness explanation for which this is the answer"), the
  // rationale a distillation set is made of; and the same words with no answer given ("provide a
  // step-by-step deductive reasoning process to arrive at the answer", one organic corpus prompt), an ask
  // for the reasoning all the same.
  {
    id: "rationale-for-given-answer",
    stems: ["arrive at the answer", "explain simply why", "a question and"],
    re: /\breasoning process (?:to arrive|for arriving) at the answer\b|\bexplain simply why\b[^\n]{0,300}?\bis the (?:correct|right) answer\b|\b(?:come up with|creatively imag(?:e|ine)|imagine|write|generate|create) (?:a|the) question and (?:a |the )?(?:stream[- ]of[- ]consciousness )?(?:reasoning|rationale|justification|explanation)\b/i,
    weight: 0.6,
  },
  // A prompt that ends on a label for the reasoning, the model to continue from it as from a prefill: the
  // last sentence, up to 100 characters, ends on a colon with nothing after it and names the reasoning
  // ("…before you respond. Scratchpad:", "Rationale:", "Thoughts? Step-by-step reasoning:", "Let's think
  // fast. Stream of consciousness:", "A: Let's think through this carefully:", "Chain of thought and
  // solution for this question is:", "Break it down:"), as the instruction collections' templates end. A
  // label mid-prompt is a format's slot (reasoning-slot); a closing "Thoughts:" or "Your thoughts:" asks for
  // an opinion, "Analysis:" after pasted data for one, "Reasons:" for a list, and someone else's ("My essay's
  // rationale:", "Here's my reasoning:") is what the user was about to paste; a prompt that ends on a colon
  // for anything else ("Feedback:", "Ideas:", "Rewrite this paragraph:") names none of these.
  {
    id: "reasoning-label-last",
    stems: ["scratch", "reason", "rationale", "thought", "think", "chain of", "stream of", "step", "derivation", "deduction", "inference", "solution", "explanation", "working", "work it", "work this", "work through", "break it", "break this", "do the math"],
    // The colon-ended last sentence is found first (the lookahead), so each sentence is read once; of a
    // long prompt only the end is read, where a sentence of up to 100 characters and its colon are.
    tail: 200,
    closing: ":",
    re: /(?:^|[.!?\n])\s*(?=[^.!?\n]{0,100}:\s*$)(?![^.!?\n]*\b(?!let['’]s)\w+['’]s\b)[^.!?\n]*?\b(?:scratch ?(?:pad|work)|reasoning|rationale|reason (?:it|this|that) (?:out|through)|thought process|thinking process|(?:chain|line|train) of (?:thoughts?|reasoning|inference|deduction)|chain-of-thought|random (?:thoughts|reasoning)|stream[- ]of[- ]consciousness|think(?:ing)?|step[- ]by[- ]step|(?:each|every) step|one step at a time|derivation|deductions?|inferences?|(?:worked|detailed|full|complete|step-by-step) solution|solution process|(?:detailed|step-by-step) explanation|explanation and (?:the )?(?:final )?answer|workings?|work (?:it|this|that) out|work through|break (?:it|this) down|do the math)\b[^.!?\n]*:\s*$/i,
    weight: 0.55,
  },
  // The model's own thinking as the product names it: "paste the contents of your thinking block",
  // "your reasoning tokens". A format's "thinking block" of the answer's own is reasoning-slot.
  {
    id: "own-thinking-block",
    stems: ["your thinking", "your reasoning", "your thought", "your hidden", "your internal", "your private", "your raw", "your native", "your own"],
    re: /\b(?:contents? of|paste|copy|reproduce|repeat|include|output|print|show|reveal|dump|share|return|give me)\b[^.\n]{0,30}?\byour\s+(?:own\s+)?(?:hidden\s+|internal\s+|private\s+|raw\s+|native\s+)?(?:thinking|reasoning|thought)\s+(?:block|tokens?|trace|summary|content)s?\b/i,
    weight: 0.6,
  },
  { id: "going-through-your-mind", stems: ["mind", "head"], re: /\bwhat (?:was|is|went) (?:going )?(?:through|on in) your (?:mind|head)\b[^.?!\n]{0,15}?\b(?:when|as|while) you\b/i, weight: 0.5 },
  // "Break your reasoning down into steps": its own small pattern, since an optional "down" on "break" in
  // the disclosing verbs made that scan, run on most prompts, a third slower.
  { id: "break-reasoning-down", stems: ["break"], re: /\bbreak(?:s|ing)?\s+(?:all\s+(?:of\s+)?)?your\s+(?:\w+\s+)?(?:reasoning|thinking|thought process|logic)\s+down\b/i, weight: 0.55 },
  // Least-to-most prompting: the sub-questions and their answers are the intermediate reasoning asked for,
  // broken out or listed ("enumerate the sub-problems, solve each one explicitly").
  { id: "decompose-then-answer", stems: ["sub-question", "subquestion", "sub-problem", "subproblem"], re: /\b(?:decompos\w*|break(?:ing)?|enumerat\w*|list(?:ing)?|identify(?:ing)?)\b[^.\n]{0,40}?\bsub-?(?:questions?|problems?)\b[^.\n]{0,80}?(?:\b(?:then|before|finally)\b[^.\n]{0,30}?\banswer\b|\b(?:answer|solve|address)(?:ing)? (?:each|every|all|them)\b)/i, weight: 0.5 },
  // Self-refinement: the model's critique of its own draft is a reasoning trace of its own (and the
  // grading data rubric campaigns collect). A person asks the model to check its answer, not to critique its draft.
  { id: "critique-own-draft", stems: ["your own"], re: /\b(?:critiqu(?:e|es|ing)|criticis(?:e|es|ing)|criticiz(?:e|es|ing)|evaluat(?:e|es|ing)|review(?:s|ing)?|grad(?:e|es|ing))\s+your own\s+(?:first\s+|initial\s+)?(?:draft|answer|response|reasoning|solution|output|attempt)\b/i, weight: 0.5 },
  { id: "what-you-thought-before", stems: ["what did you", "what were you"], re: /\bwhat (?:did|were) you (?:think|thinking|consider|considering|weigh|weighing)\b[^.?!\n]{0,25}?\b(?:before|while|as|when) you (?:answered|responded|replied|wrote|chose|decided|picked)\b/i, weight: 0.55 },
  // The system prompts of published reasoning-distillation sets: a long thinking process put before
  // the answer ("…through a systematic long thinking process before providing the final precise and
  // accurate solutions"). The process is the product asked for, described rather than named "yours".
  {
    id: "thinking-before-answer",
    stems: ["thinking process", "reasoning process", "thought process"],
    re: /\b(?:long|systematic|extended|thorough|detailed|deliberate|comprehensive|exhaustive|lengthy|rigorous|careful)\s+(?:[\w-]+\s+)?(?:thinking|reasoning|thought) process\b[^.\n]{0,60}?\bbefore\s+(?:providing|giving|writing|producing|presenting|stating|arriving at|reaching)\s+(?:(?:the|your|a|an|any)\s+)?(?:[\w-]+\s+){0,4}?(?:answers?|solutions?|responses?|replies|conclusions?)\b/i,
    weight: 0.6,
  },
  // The work shown in full, then the answer kept apart: "lay out all of your working, and only then state
  // the answer", "before you answer, show every bit of your work", "walk me through the entire derivation,
  // then conclude". The shown work alone ("show your work") is a worksheet's and stays the weak ask;
  // asked in full and ordered before a separate answer it is the harness's format, as the stock
  // triggers are. A paraphrasing harness's asks in such words (a grammar of them, written before this
  // pattern) scored under the bar in 186 of 300.
  {
    id: "work-then-answer",
    absorbsWeak: true,
    // Its words for "in full", which every match holds: rarer than its nouns (in 1,749 corpus prompts against 2,131).
    stems: ["all of", "all your", "all the", "every bit", "every one", "every part", "each of", "entire", "whole", "full", "complete", "intermediate", "line of reasoning", "thought process", "detail", "at length"],
    re: new RegExp(`${BEFORE_THE_ANSWER}${WORK_ASK}|${WORK_ASK}(?:${THEN_THE_ANSWER}|${NOT_JUST_THE_ANSWER})`, "i"),
    weight: 0.5,
  },
  // An analysis at length asked for before the answer, of the problem itself: "Before answering, provide
  // an extensive exploration of the problem space, considering multiple approaches". Not an analysis of
  // something else ("before answering, give a detailed analysis of Tesla's Q3 report").
  {
    id: "analysis-before-answer",
    stems: ["before answer", "before you answer", "before respond", "before you respond", "before repl", "before you repl", "before giving", "before stating", "before writing", "prior to"],
    re: new RegExp(`${BEFORE_THE_ANSWER}(?:(?:provide|give|write|do|perform|produce|conduct|include|start with|begin with|carry out)\\s+)?(?:an?\\s+|your\\s+)?(?:(?:extensive|thorough|detailed|full|complete|exhaustive|careful|long|extended|in-depth|deep|rigorous),?\\s+){1,3}(?:analysis|exploration|deliberation|reasoning|thinking|derivation)\\b(?!\\s+of\\s+(?!(?:the|this|each|every|my|your) (?:problem|question|task|request|prompt|query)\\b))`, "i"),
    weight: 0.5,
  },
  // A reply whose first part is the model's own analysis in full and whose last is the answer where a
  // script reads it: "two parts: (1) a thorough analysis in which you consider each possibility, and (2)
  // the answer on its own line prefixed by 'ANSWER:'", "begin with a detailed analysis of the request and
  // end with the final answer on a line starting with 'ANSWER:'". An assignment's "two parts: a detailed
  // analysis of the text and your answer to the question" has no such slot, and does not count.
  {
    id: "analysis-then-answer-slot",
    stems: ["two parts", "2 parts", "two sections", "2 sections", "two steps", "2 steps", "begin", "start", "open"],
    re: new RegExp(
      `(?:\\b(?:two|2) (?:parts|sections|steps)\\b[^\\n]{0,30}?(?:\\(?(?:1|a|i)\\)|\\b1\\.|\\bfirst(?:ly)?,?|\\bpart (?:1|one):?)\\s*(?:(?:your|an?|the)\\s+)?${ANALYSIS_IN_FULL}[^\\n]{0,150}?(?:\\(?(?:2|b|ii)\\)|\\b2\\.|\\bsecond(?:ly)?|\\bpart (?:2|two):?|\\bthen)` +
        `|\\b(?:begin|start|open)(?:s|ning)? with (?:(?:your|an?|the)\\s+)?${ANALYSIS_IN_FULL}[^\\n]{0,150}?\\b(?:end|finish|conclude|close)(?:s|ing)? with)` +
        `\\s*[^\\n]{0,15}?\\b(?:answer|verdict|label)\\b[^\\n]{0,30}?(?:on (?:its|a) own line|on a (?:separate|new|single|final) line|by itself|alone\\b|(?:prefixed|preceded|introduced|marked) (?:by|with)|(?:starting|beginning) with|in the (?:form|format)\\b|["'‘“](?:final answer|answer|verdict|label)\\s*:?["'’”])`,
      "i",
    ),
    weight: 0.5,
  },
  // The thinking written into a section of its own before the answer's: "First, think about the problem
  // in a section titled 'Analysis'. Then, in a section titled 'Answer', give only the final answer." A
  // report's sections ("think about your audience in a section titled 'Audience', then give your
  // recommendation") have no answer after them.
  {
    id: "thinking-section-then-answer",
    stems: ["section", "block", "paragraph", "field"],
    re: /\b(?:think|reason|deliberate)(?:s|ing)?\b[^.\n]{0,40}?\bin (?:a|an|the|one|its own) (?:separate |dedicated |first )?(?:section|block|paragraph|field)\b[^\n]{0,120}?\b(?:then|followed by|after (?:that|which)|next|afterwards)\b[^\n]{0,60}?\b(?:final answer|answer|verdict)\b/i,
    weight: 0.5,
  },
  // The rationale, then the answer: the instruction-tuning collections' chain-of-thought templates
  // ("Give a rationale, then the answer", "Give stream of consciousness and then the final answer").
  // "Rationale" and "stream of consciousness" are the collections' words, not a student's, who asks to
  // "explain your reasoning" (that stays weak).
  {
    id: "rationale-then-answer",
    stems: ["rationale", "stream of consciousness", "chain of reasoning", "chain-of-reasoning"],
    re: /\b(?:give|provide|write|generate|output|state|produce|start with|begin with|first)\b[^.\n]{0,15}?\b(?:(?:a|the|your|some)\s+)?(?:(?:brief|short|detailed|step[- ]by[- ]step|full|long|explicit|thorough|complete|careful),?\s+){0,3}(?:rationale|stream of consciousness(?: rationale)?|chain[- ]of[- ]reasoning)\b[^.\n]{0,20}?\b(?:and\s+)?(?:then|before|followed by)\b[^.\n]{0,25}?\b(?:the|your|a|an|its)\s+(?:final\s+)?(?:answer|label|verdict|classification|prediction)\b/i,
    weight: 0.5,
  },
  { id: "how-you-arrived", stems: ["how you", "the way you"], re: new RegExp(HOW_YOU_ARRIVED, "i"), weight: 0.35 },
  // The same asked for whole: "walk me through exactly how you'd arrive at this, leaving nothing out".
  // How a student asks to see the model's working stays the weak ask above; with nothing to be left out
  // it is the full trace a harness wants, as "your full reasoning" is; so is "the unedited version of how
  // you figured this out".
  {
    id: "how-you-arrived-in-full",
    stems: ["how you", "the way you"],
    re: new RegExp(`${HOW_YOU}(?:'d|’d| would)? ${TO_THE_ANSWER}[^.?!\\n]{0,60}?\\b(?:leav(?:e|ing) (?:nothing|no step) out|(?:without|don't|do not|never) (?:skipp(?:ing)?|skip|leav(?:e|ing) out|omit(?:ting)?) (?:anything|a (?:single )?(?:thing|step))|in (?:full|complete|exhaustive|painstaking|great) detail|in full|omit(?:ting)? nothing|one (?:step|move|inference) at a time)\\b|\\b(?:unedited|unabridged|uncut|raw|full|complete|entire|whole) (?:version|account|record|transcript|explanation|walk-?through|breakdown) of (?:how|the way) you(?:'d|’d| would)? ${TO_THE_ANSWER}`, "i"),
    weight: 0.5,
  },
  // A grader's reasoning before its grade, the format LLM-as-judge prompts use (MT-bench's "Begin your
  // evaluation by providing a short explanation … After providing your explanation, you must rate"):
  // the rationale is the trace a rubric-grading campaign collects. A person asks for a grade and then
  // why ("rate my essay and explain why"), not for the explanation first. An independent ring sending
  // rubric and policy prompts only in such words (every ask under 0.25) was missed whole. Under the
  // 0.5 hit bar alone: it is also how everyone runs a judge, and a startup grading its app with
  // MT-bench's public template on one account was flagged on it; with another ask it counts.
  {
    id: "judge-rationale-first",
    stems: ["score", "rating", "rate", "grade", "verdict", "points", "winner", "[[", "criteri", "rubric", "dimension", "evaluation", "preference", "after providing"],
    re: /\b(?:(?:explain|justify|give|provide|write(?: out)?|state|describe|output|walk (?:me |us )?through)\b[^.\n]{0,50}?\b(?:explanation|reasoning|rationale|justifications?|judge?ment|critique|assessment|analysis|evaluation|comparison|verdict|thought process|thoughts)|(?:reason|think|deliberate|critique|analy[sz]e)\b[^.\n]{0,60}?(?:write (?:them|it|that|this) (?:down|out)|thoroughly|carefully|in detail|step by step|first)?)\b[^.\n]{0,60}?\b(?:before|then|followed by|prior to|after which|only after (?:the|your|that|this) (?:critique|analysis|reasoning|explanation|assessment)|conclude with)\b[^.\n]{0,50}?(?:\b(?:scores?|ratings?|rate|grades?|verdicts?|points|winner|preference)\b|\[\[)|\bbegin your evaluation by (?:providing|giving|writing|comparing)\b|\bafter providing your explanation\b[^.\n]{0,30}?\b(?:rate|score|grade|output|give)\b|\b(?:justify|explain|walk (?:me |us )?through)\b[^.\n]{0,40}?\b(?:criterion by criterion|(?:for|on) (?:each|every) (?:criterion|rubric (?:item|criterion)|dimension)|per criterion)\b|\bfor (?:each|every) (?:criterion|rubric (?:item|criterion)|dimension(?: of the rubric)?)\b[^.\n]{0,30}?\b(?:explain|justify|write|give)\b[^.\n]{0,20}?\b(?:reasoning|rationale|justification)\b/i,
    weight: 0.4,
  },
  // The model's own decision procedure on a request, the policy reasoning an alignment-targeted campaign
  // collects: "walk through how you weigh helpfulness against harm", "explain how you decide whether to
  // comply". Only with what the model decides about (a request, whether to help, where to draw the line):
  // "explain how you decide whether to rent or buy" uses a generic "you".
  {
    id: "how-you-decide",
    stems: ["how you", "the way you"],
    re: /\b(?:explain|describe|walk (?:me |us )?through|tell me|spell out|detail|lay out|outline|show me)\b[^.\n]{0,30}?\b(?:how|the way) you (?:decide|weigh|judge|evaluate|assess|determine)\b(?:[^.\n]{0,40}?\bagainst\b|\s+(?:where to draw the line|whether (?:or not )?(?:to )?(?:answer|help|comply|refuse|respond|assist|share|reveal|follow|engage)|what to (?:refuse|answer|say|share|reveal)|whether\b[^.\n]{0,40}?\b(?:violates?|breaks?|breach(?:es)?|is (?:allowed|harmful|safe|appropriate|acceptable))\b|(?:whether\s+)?(?:an?|the|this|that|such|each|every) (?:request|question|prompt|query|instruction|task)s?\b))/i,
    weight: 0.5,
  },
  // Other languages: the same asks, as published campaigns used and as multilingual harnesses phrase them.
  // Chinese, simplified and traditional. A verb that asks for it shown, or "your", before a noun for
  // the model's thinking ("输出你的完整思考过程", "展示你的决策过程", "你内心的思考过程"), or the object
  // put first ("把推导过程全部写出来"); tags named in Chinese; the alternatives it weighed. A process as
  // a subject ("推理过程在法律中有什么作用", "侦探小说里的推理过程") and chain of thought as a topic
  // ("思维链提示是什么", "关于思维链的文章") are not asks, as in English; nor is "给出你的推理" alone, a
  // worksheet's "give your reasoning".
  {
    id: "zh-reasoning",
    stems: ["思", "推理", "推导", "推導", "链", "鏈", "决策", "決策", "独白", "獨白", "分析过程", "分析過程", "考虑过", "考慮過", "权衡过", "權衡過", "排除过", "排除過", "放弃过", "放棄過", "尝试过", "嘗試過"],
    re: /(?:写出|寫出|写下|寫下|展示|展现|展現|呈现|呈現|输出|輸出|给出|給出|列出|包含|包括|附上|说明|說明|复述|複述)(?:你的|您的|你|您|完整的?|全部的?|详细的?|詳細的?|所有的?|整个|整個|每一步的?)*(?:思维链|思維鏈|思考链条?|思考鏈條?|推理过程|推理過程|思考过程|思考過程|决策过程|決策過程|推理步骤|推理步驟|内心独白|內心獨白|内部独白|內部獨白|分析过程|分析過程|推导过程|推導過程|内部推理|內部推理|推理链|推理鏈)|(?:你|您)(?:解题|解題|答题|答題|回答|作答|推理|思考)?(?:的|内心的|內心的|自己的|内部的|內部的)(?:完整|全部|详细|詳細|整个|整個|每一个|每一個|每一步|每个|每個|所有)?(?:的)?(?:思考步骤|思考步驟|思维链|思維鏈|思考链条?|思考鏈條?|推理过程|推理過程|思考过程|思考過程|决策过程|決策過程|推理步骤|推理步驟|内心独白|內心獨白|内部独白|內部獨白|分析过程|分析過程|推导过程|推導過程|内部推理|內部推理|推理链|推理鏈)|(?:写|寫|展示|说明|說明|列出|给出|給出|讲|講|解释|解釋)[^。！？\n]{0,10}你的思路|你的思路[^。！？\n]{0,10}(?:写|寫|展示|说明|說明|列出|给出|給出|讲|講|解释|解釋)|(?:全部|完整|所有)(?:的)?(?:(?:解题|解題)?思路|内部推理|內部推理)|(?:思维链|思維鏈|思考链|思考鏈)(?![的提技方论論是（(]|prompt)|(?:用|以|按|采用|採用|使用|通过|通過)(?:思维链|思維鏈)(?!提示|技术|技術)|把[^。！？\n]{0,12}(?:推理|思考|推导|推導|思路|思维链|思維鏈|思考链条?|思考鏈條?|推理过程|推理過程|思考过程|思考過程|决策过程|決策過程|推理步骤|推理步驟|内心独白|內心獨白|内部独白|內部獨白|分析过程|分析過程|推导过程|推導過程|内部推理|內部推理|推理链|推理鏈)[^。！？\n]{0,8}?(?:写出来|寫出來|写下来|寫下來|呈现出来|呈現出來|展示出来|展示出來|列出来|列出來|说出来|說出來|写清楚|寫清楚|输出|輸出)|<\s*\/?\s*(?:思考|推理|思维|思維|想法)\s*>|(?:写出|寫出|展示|告诉我|告訴我|列出|说明|說明)[^。！？\n]{0,4}(?:你|您)(?:考虑过|考慮過|权衡过|權衡過|排除过|排除過|放弃过|放棄過|尝试过|嘗試過)的|完整(?:的)?推理|详细(?:的)?推理|詳細(?:的)?推理/u,
    weight: 0.65,
  },
  // Chinese stock triggers: "让我们一步一步地思考" (Kojima's, as Chinese harnesses append it) at a
  // clause's start, and the reasoning asked for first, then the answer ("先给出你的推理，再给出答案").
  // "一步一步教我做红烧肉" (teach me step by step) is a recipe's, and stays the weak step-by-step.
  // The stock trigger in the other languages harnesses translate it to ("Pensemos paso a paso", "Lass uns
  // Schritt für Schritt denken", "ステップバイステップで考えてみましょう", "Давай подумаем шаг за шагом"): a
  // verb for thinking or reasoning with the language's step by step, either order. "Explícame paso a paso
  // cómo hacer una tortilla" (explain to me step by step) has no such verb and stays the weak ask.
  {
    id: "cot-trigger-other-languages",
    absorbsWeak: true,
    stems: ["paso", "passo", "étape", "schritt", "шаг", "пошаг", "ステップ", "段階", "一歩ずつ", "順を追", "단계", "차근차근"],
    re: /(?<![a-zà-ÿ])(?<!\bzu )(?:piensa|piense|pensemos|razona|razone|razonemos|vamos a (?:pensar|razonar)|pense|raciocine|raciocinemos|vamos (?:pensar|raciocinar)|réfléchis|réfléchissez|réfléchissons|raisonne|raisonnez|raisonnons|pensons|denke?|denken|denken wir|nachdenken|überlege?|überlegen|überlegen wir|lass(?:t)? uns(?: [^\s.]+){0,4} (?:denken|überlegen|nachdenken)|pensa|pensiamo|ragiona|ragioniamo|ragionate)(?![a-zà-ÿ])[^.\n]{0,20}?(?<![a-zà-ÿ])(?:paso a paso|passo a passo|passo (?:dopo|per) passo|étape par étape|schritt für schritt)(?![a-zà-ÿ])|(?<![a-zà-ÿ])(?:paso a paso|passo a passo|passo (?:dopo|per) passo|étape par étape|schritt für schritt)(?![a-zà-ÿ])[^.\n]{0,20}?(?<![a-zà-ÿ])(?<!\bzu )(?:piensa|piense|pensemos|razona|razone|razonemos|vamos a (?:pensar|razonar)|pense|raciocine|raciocinemos|vamos (?:pensar|raciocinar)|réfléchis|réfléchissez|réfléchissons|raisonne|raisonnez|raisonnons|pensons|denke?|denken|denken wir|nachdenken|überlege?|überlegen|überlegen wir|lass(?:t)? uns(?: [^\s.]+){0,4} (?:denken|überlegen|nachdenken)|pensa|pensiamo|ragiona|ragioniamo|ragionate)(?![a-zà-ÿ])/i,
    otherScripts: /(?:думай|подумай|подумаем|давай(?:те)? (?:подумаем|рассуждать|думать|размышлять)|рассуждай|рассуждайте|порассуждаем|размышляй)[^.\n]{0,20}?(?:шаг за шагом|пошагово)|(?:шаг за шагом|пошагово)[^.\n]{0,20}?(?:думай|подумай|подумаем|рассуждай|рассуждайте|порассуждаем|размышляй)|(?:ステップバイステップ|段階的に|一歩ずつ|順を追って)[^。\n]{0,6}?(?:考え|推論)|(?:단계별로|차근차근|한 단계씩)[^.\n]{0,6}?(?:생각|추론)/iu,
    weight: 0.55,
  },
  {
    id: "zh-cot-trigger",
    absorbsWeak: true,
    stems: ["一步", "逐步", "先"],
    re: /(?:^|[。！？；：\n，,]\s*)(?:请|請|让我们|讓我們|我们来|我們來|你(?:应该|應該|必须|必須|要))?(?:一步一步|一步步|逐步)(?:地)?(?:思考|推理|想)|(?:先|首先)(?:给出|給出|写出|寫出|提供|输出|輸出|说明|說明|解释|解釋|写|寫)(?:你的)?(?:推理|理由|推理过程|推理過程|思考过程|思考過程|思路)[^。\n]{0,15}?(?:再|然后|然後|最后|最後)/u,
    weight: 0.55,
  },
  { id: "zh-how-you-arrived", stems: ["是如何", "是怎么", "是怎麼", "是怎样", "是怎樣"], re: /(?:解释|解釋|说明|說明|告诉我|告訴我|讲讲|講講|描述)[^。\n]{0,6}(?:你|您)是(?:如何|怎么|怎麼|怎样|怎樣)(?:得出|得到|想到|推出|算出|做出|判断|判斷)/u, weight: 0.35 },
  { id: "ja-reasoning", stems: ["思考", "推論", "考え"], re: /推論を[^。\n]{0,12}(?:書き出|書いて|示して|見せて|説明して)|思考過程|思考の過程|推論過程|思考の連鎖|推論の過程|考えた過程|内部の推論|考えたこと(?:を|も)|考え(?:方)?を(?:詳しく|すべて|全て|全部)/u, weight: 0.65 },
  { id: "ko-reasoning", stems: ["과정", "사슬", "흐름", "내부"], re: /사고\s?과정|추론\s?과정|생각의\s?사슬|(?:사고|생각)의\s?흐름|내부\s?추론/u, weight: 0.65 },
  { id: "es-pt-reasoning", stems: ["todo lo que", "pensa", "razon", "racioc", "cadena", "cadeia"], re: /\btodo lo que (?:piensas|pensás|estás pensando|razonas|consideras)\s+(?:mientras|al|cuando)\b|\bcadena de pensamientos?\b|\bcadeia de pensamentos?\b|(?:\b(?:muestra|revela|escribe|explica|detalla|elabora|desarrolla|expón|describe|narra|comparte|presenta|mostre|revele|escreva|explique|detalhe|desenvolva|descreva|narre|compartilhe|elabore|apresente|exponha|mostra|revela|escreve|detalha|descreve|apresenta|partilha)\b|(?:muéstra|muestra|explíca|explica|enséña|ensena|descríbe|describe|detálla|detalla)me\b|\bmostre-me\b)[^.\n]{0,60}\b(?:tu|su|seu|o seu|teu|o teu|todo tu|todo su|todo o seu|todo o teu)\s+(?:proceso de\s+|processo de\s+|linha de\s+)?(?:razonamiento|raciocínio|pensamiento|pensamento)\b|\bproceso de (?:pensamiento|razonamiento)\b|\bprocesso de (?:pensamento|raciocínio)\b/i, weight: 0.6 },
  { id: "fr-reasoning", stems: ["pensée", "raisonn", "réflex", "chaîne"], re: /\bchaîne de pensées?\b|\b(?:montre|montrez|révèle|révélez|écris|écrivez|détaille|détaillez|explique|expliquez|expose|exposez|montrant|révélant|écrivant|détaillant|expliquant|exposant)\b[^.\n]{0,30}\b(?:tout\s+)?(?:ton|votre)\s+(?:raisonnement|processus de réflexion)\b|\bprocessus de (?:réflexion|raisonnement)\b|\b(?:assistant|modèle|IA|agent)\s+qui\s+(?:[^.\n]{0,20}?\s)?(?:explique|détaille|montre|expose|écrit|présente|donne|développe)\w*\s+(?:toujours\s+|systématiquement\s+|d'abord\s+)?(?:tout\s+)?son\s+raisonnement\b/i, weight: 0.6 },
  // "Lösungsweg" and "Rechenweg" are the shown work of German schools ("zeig deinen Rechenweg"), so
  // they count only whole ("deinen kompletten Lösungsweg"), as "your complete solution path" does.
  {
    id: "de-reasoning",
    stems: ["gedank", "denk", "überleg", "argument", "begründ", "lösungsweg", "rechenweg"],
    re: /\bGedankenkette\b|\bDenkprozess\b|\bGedankeng[aä]nge?\b|\b(?:deine[nms]?|Ihre[nms]?)\s+(?:(?:gesamten?|vollständigen?|kompletten?|ganzen?)\s+)?(?:Überlegungen|Denkweg|Argumentation|Lösungsweg|Rechenweg)\s+(?:[^.\n]{0,30}?\s)?(?:vollständig|ausführlich|komplett|lückenlos|Schritt für Schritt)\s+(?:[^.\n]{0,20}?\s)?(?:aufgeschrieben|aufschreiben|niedergeschrieben|dargelegt|darlegen|gezeigt|zeigen|erklärt|erklären|ausgeführt|ausführen)\b|\b(?:(?:zeig|leg|schreib)(?:e|en)?|erkläre|erklären)\b[^.\n]{0,40}\b(?:deine[nms]?|Ihre[nms]?|dein)\s+(?:(?:gesamte[nms]?\s+|vollständige[nms]?\s+|interne[nms]?\s+)?(?:Überlegungen|Argumentation|Denkweise|Denkweg|Gedanken|Begründung)|(?:gesamte[nms]?|vollständige[nms]?|komplette[nms]?|ganze[nms]?)\s+(?:Lösungsweg|Rechenweg|Gedankengang))\b|\b(?:jeden|alle|deine[nm]?|Ihre[nm]?)\s+(?:einzelnen\s+)?(?:Denkschritt|Gedankenschritt|Überlegungsschritt)(?:e|en)?\b(?!\s+(?:eines|einer|des|der|von)\b|\s*,?\s*(?:die|den|welche)\s+(?:ein|eine|der|die|das|man|Menschen|Experten|Schüler|Kinder)\b)/i,
    weight: 0.6,
  },
  // "Zeig mir ausführlich, wie du auf das Ergebnis gekommen bist": how it reached its answer, in detail.
  {
    id: "de-how-you-arrived",
    stems: ["gekommen"],
    re: new RegExp(`\\b(?:zeig|erklär|beschreib|schildere)\\w*\\b[^.\\n]{0,40}?\\b(?:genau|detailliert|${DE_IN_DETAIL})\\b[^.\\n]{0,20}?${DE_HOW_YOU_ARRIVED}|${DE_HOW_YOU_ARRIVED}[^.\\n]{0,30}?\\b${DE_IN_DETAIL}\\b`, "i"),
    weight: 0.55,
  },
  { id: "it-reasoning", stems: ["ragion", "pensier"], re: /\bcatena di pensier[oi]\b|\bprocesso (?:di ragionamento|di pensiero|mentale)\b|\b(?:mostra|mostrami|spiega|spiegami|scrivi|illustra|descrivi|esponi)\b[^.\n]{0,30}\b(?:(?:tutto )?il tuo|tuo|il suo|tutto il|l'intero)\s+(?:intero\s+|completo\s+)?ragionamento\b(?:(?<=\b(?:tuo|suo)\s+(?:intero\s+|completo\s+)?ragionamento)|\s+(?:che hai fatto|che hai seguito|completo|dietro))/i, weight: 0.6 },
  // "Think aloud" as the other languages say it; "lee en voz alta" (read aloud) is not it.
  {
    id: "think-aloud-other-languages",
    stems: ["pens", "piens", "razon", "racioc", "ragion", "réfléch", "raisonn", "denk", "überleg", "думай", "рассужд", "размышл"],
    re: /\b(?:piensa|pensá|piense|razona|pensa|pense|raciocine|ragiona|réfléchis|réfléchissez|pense|pensez|raisonne|raisonnez)\s+(?:en voz alta|em voz alta|ad alta voce|à (?:haute )?voix(?: haute)?)\b|(?:\bdenke?|überlege?)\s+(?:[^\s.]+\s+){0,4}?laut\s+nach\b|(?:\bdenke?|überlege?)\s+laut\b|\blaut\s+(?:nach)?(?:denken|überlegen)\b|(?:думай|рассуждай|размышляй|думайте|рассуждайте)\s+вслух/i,
    weight: 0.6,
  },
  // "Explícame paso a paso cómo llegaste a la respuesta": how it arrived at its answer, step by step or omitting nothing.
  {
    id: "es-how-you-arrived",
    stems: ["llegaste", "has llegado"],
    re: new RegExp(`\\b(?:expl[ií]ca(?:me)?|mu[eé]strame|dime|describe|cu[eé]ntame)\\b[^.\\n]{0,40}?\\b${ES_HOW_YOU_ARRIVED} (?:la|tu|esa|esta|el|tus?) (?:respuesta|soluci[oó]n|resultado|conclusi[oó]n)[^.\\n]{0,40}?(?:sin omitir nada|sin saltar(?:te)? (?:ning[uú]n|nada)|con todo detalle|en detalle)|\\b(?:expl[ií]ca(?:me)?|mu[eé]strame)\\b\\s+paso a paso\\s+${ES_HOW_YOU_ARRIVED}\\b`, "i"),
    weight: 0.55,
  },
  // "Explique-moi en détail comment tu es arrivé à cette réponse": the French of es-how-you-arrived.
  {
    id: "fr-how-you-arrived",
    stems: ["arrivé", "parvenu"],
    re: new RegExp(`\\b(?:explique|expliquez|montre|montrez|détaille|détaillez|décris|décrivez|dis|dites)(?:-moi|-nous)?\\b[^.\\n]{0,40}?(?:\\ben détail\\b|\\bétape par étape\\b|\\bpas à pas\\b)[^.\\n]{0,30}?${FR_HOW_YOU_ARRIVED}|\\b(?:explique|expliquez|montre|montrez|détaille|détaillez|décris|décrivez)(?:-moi|-nous)?\\b[^.\\n]{0,10}?${FR_HOW_YOU_ARRIVED}[^.\\n]{0,30}?(?:\\ben détail\\b|\\bétape par étape\\b|\\bpas à pas\\b|sans rien omettre)`, "i"),
    weight: 0.55,
  },
  // The answer written as its thoughts in order: "write the solution as a sequence of thoughts, each one building on the last".
  {
    id: "as-a-sequence-of-thoughts",
    stems: ["sequence of", "series of", "chain of", "stream of"],
    re: /\b(?:write|give|present|produce|output|express|lay out|structure|format|frame)(?:s|ing)?\b[^.?!\n]{0,40}?\bas an? (?:\w+ )?(?:sequence|series|chain|stream) of (?:thoughts|reasoning steps|inferences|deductions)\b/i,
    weight: 0.5,
  },
  { id: "nl-reasoning", stems: ["redener", "denkproces", "gedachtegang"], re: /\b(?:je|jouw|uw)\s+(?:volledige\s+|hele\s+|complete\s+)?(?:redenering|denkproces|gedachtegang)\b/i, weight: 0.6 },
  { id: "pl-reasoning", stems: ["swój", "twój", "swojego", "twojego", "cały", "całe", "pełny", "łańcuch"], re: /(?:^|[^\p{L}])(?:swój|twój|swojego|twojego|cały|całe|pełny)\s+(?:tok (?:rozumowania|myślenia)|proces myślowy|rozumowanie)(?![\p{L}])|(?:^|[^\p{L}])łańcuch(?:a)? (?:myśli|rozumowania)(?![\p{L}])/iu, weight: 0.6 },
  { id: "id-reasoning", stems: ["proses", "penalaran", "pemikiran", "jalan pikiran", "rantai"], re: /\b(?:proses (?:berpikir|pemikiran|penalaran)|penalaran|pemikiran|jalan pikiran)(?:mu\b|\s+anda\b)|\brantai (?:pemikiran|penalaran)\b/i, weight: 0.6 },
  { id: "ar-reasoning", stems: ["تفكير", "استدلال", "سلسلة"], re: /خطوات تفكيرك|طريقة تفكيرك|عملية تفكيرك|تفكيرك (?:بالتفصيل|كاملا|كاملًا|خطوة)|استدلالك|سلسلة (?:الأفكار|التفكير|الاستدلال)/u, weight: 0.6 },
  { id: "hi-reasoning", stems: ["प्रक्रिया", "श्रृंखला", "श्रंखला"], re: /(?:सोच|विचार|चिंतन|तर्क)(?: की)? प्रक्रिया|(?:विचार|तर्क) (?:श्रृंखला|श्रंखला)/u, weight: 0.6 },
  { id: "tr-reasoning", stems: ["düşünce", "akıl"], re: /düşünce (?:süreci|zinciri)|akıl yürütme/i, weight: 0.6 },
  { id: "vi-reasoning", stems: ["suy luận", "suy nghĩ", "tư duy", "lập luận"], re: /quá trình (?:suy luận|suy nghĩ|tư duy)|chuỗi (?:suy nghĩ|suy luận)|(?:lập luận|suy luận) của bạn/i, weight: 0.6 },
  { id: "ru-reasoning", stems: ["рассужд", "мысл", "мышлен", "размышл", "цепочк", "монолог"], re: /цепочк[аиуе] (?:рассуждений|мыслей)|внутренн(?:ий|его|ем|им) монолог|ход (?:своих |твоих |ваших )?(?:мыслей|рассуждений)|(?:покажи|опиши|распиши|изложи|покажите|опишите|распишите)[^.\n]{0,30}(?:рассуждени|мышлени|размышлени)/i, weight: 0.6 },
];

const WEAK: Pattern[] = [
  { id: "step-by-step", stems: ["step", "paso", "passo", "étape", "schritt", "пошаг", "шаг", "一步", "逐步", "ステップ", "段階", "단계", "चरण", "कदम", "krok", "langkah", "từng", "adım", "خطوة"], re: /\bstep[- ]by[- ]step\b|\bone step at a time\b|\bpaso a paso\b|\bpasso a passo\b|\bpasso (?:dopo|per) passo\b|\bSchritt für Schritt\b|\bkrok po kroku\b|\blangkah demi langkah\b|\btừng bước\b|\badım adım\b/i, otherScripts: /étape par étape|пошагово|шаг за шагом|一步一步|逐步|ステップバイステップ|ステップごとに|段階的に|단계별로|चरण दर चरण|कदम दर कदम|خطوة بخطوة/iu, weight: 0.22 },
  { id: "explain-reasoning", stems: ["reasoning", "work", "steps", "logic", "each step", "every step", "derivation"], re: /\b(?:show|write out|give|provide|answer with|respond with|reply with)\s+(?:me\s+|us\s+)?(?:your|the)\s+(?:full|complete|detailed|whole|entire|step[- ]by[- ]step)\s+derivations?\b(?!\s+of\b)|\b(?:every|each) step of your (?:analysis|approach|solution|work(?:ing)?|derivation|process)\b|\b(?:explain|justify|show)\s+(?:your|the|all)\s+(?:reasoning|work|steps|logic)\b|\bshow (?:me |us )?(?:all )?(?:your |the )?work(?:ing)?\b/i, weight: 0.2 },
  { id: "lets-think", stems: ["think", "reason"], re: /\blet'?s think\b|\bthink (?:carefully|hard|deeply|it through)\b|\bthink(?:ing)? (?:(?:it|this|the (?:problem|question|task)) through|through (?:it|this|the (?:problem|question|task))) at length\b|\breason (?:carefully|through|about it)\b/i, weight: 0.15 },
  { id: "boxed-answer", stems: ["boxed", "final answer", "####"], re: /\\boxed\{?\}?|\bput (?:your |the )?final answer (?:in|within|inside)\b|(?:prefixed|preceded|marked) (?:with|by) ["'`]?####/i, weight: 0.25 },
  // The reasoning first, then the answer where a script reads it ("\\boxed{}", "Final answer:", "the label"):
  // the format of a training example. "Explain your reasoning, then give the final answer." has no slot.
  {
    id: "reasoning-then-answer-slot",
    // Its answer slot, not its reasoning: "step" and "reason" are in far more prompts than "\boxed" or "label".
    stems: ["boxed", "final answer", "answer", "label", "verdict", "classification", "prediction"],
    re: /\b(?:rationale|reasoning|derivation|thought process|chain[- ]of[- ]thought|thinking|justification|step[- ]by[- ]step|reason)\b[^.\n]{0,40}?\b(?:first|followed by|before|then|and put|and write|and give)\b[^.\n]{0,40}?(?:\\boxed|\bfinal answer (?:in|within|inside|after|on|as)\b|\b(?:section|heading|header|part|block)s? (?:titled|called|named|labell?ed|marked|headed) ["'‘“]?final answer\b|\b(?:the|a|your) (?:label|verdict|classification|prediction)\b|["'‘“]?\b(?:final answer|answer)["'’”]?\s*:)/i,
    weight: 0.3,
  },
  // The same slot in Chinese: the reasoning or steps, then the answer where a script reads it.
  { id: "zh-reasoning-then-answer-slot", stems: ["boxed", "答案"], re: /(?:逐步|一步一步|一步步|推理|思考|思路|过程|過程|依据|依據)[^。\n]{0,40}?(?:最后|最後|然后|然後|再)[^。\n]{0,20}?(?:\\boxed|最终答案[:：]|最終答案[:：]|答案[:：])|(?:推理|思考|思路|分析)[:：][^\n]{0,20}?答案[:：]/u, weight: 0.3 },
  // An evaluation's or a training set's answer slot on the last line ("The last line of your response
  // should be of the form Answer: $ANSWER"): with "solve step by step" it reaches the bar, as the stock
  // benchmark suffixes do; alone it asks for nothing but a format.
  { id: "answer-on-last-line", stems: ["last line", "final line"], re: /\b(?:the )?(?:last|final) line of your (?:response|answer|reply|output) (?:should|must|will|has to|needs to) (?:be|contain|read|take|follow|have)\b[^\n]{0,50}?(?:\banswer\b|\$ANSWER\b|\$LETTER\b)/i, weight: 0.36 },
  { id: "justify-steps", stems: ["justify", "every step", "detail"], re: /\bjustify (?:your|each|every) steps?\b|\bexplain every step\b|\bin (?:great|full|exhaustive) detail\b/i, weight: 0.25 },
];

function combine(weights: number[]): number {
  let keep = 1;
  for (const w of weights) keep *= 1 - w;
  return 1 - keep;
}

/** A request whose elicitation score reaches this counts as asking for reasoning (an account's and a family's cotHits). */
export const COT_HIT = 0.5;

/**
 * Whether a request's reasoning ask rests on its system prompt: without the system prompt's evidence
 * what is left (the user's own words, the reasoning settings) would not count as an ask. Such an ask
 * is the app's choice when many strangers send that system prompt (see the hunt's app prompts).
 */
export function restsOnSystemPrompt(evidence: readonly CotEvidence[]): boolean {
  return evidence.some(isStanding) && askBesideStanding(evidence) < COT_HIT;
}

/** Evidence from the standing instructions an app (or a harness) sends with every request: its system prompt and its answer schema. */
const isStanding = (e: CotEvidence): boolean => e.where === "system" || e.where === "schema";

/**
 * What a request asks beside its standing instructions (the system prompt and the answer schema): the
 * user's words, the opening, a prefill, demonstrations, the reasoning settings. What the user sent is
 * theirs to share with strangers (a textbook's problem, a popular prompt); an app's instructions asking
 * for the reasoning do not make it a harness's item.
 */
export function askBesideStanding(evidence: readonly CotEvidence[]): number {
  let keep = 1;
  for (const e of evidence) if (!isStanding(e)) keep *= 1 - e.weight;
  return 1 - keep;
}

const ALL_PATTERNS = [...STRONG, ...WEAK];
/** Every pattern, for tests that check the stem scan never hides a match. */
export const COT_PATTERNS: ReadonlyArray<Readonly<Pattern>> = ALL_PATTERNS;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const startsLatin = (stem: string): boolean => /^[a-z]/.test(stem);

/**
 * Which of a set of patterns can match a text, found from their stems. The stems in two native scans,
 * each one alternation, longest first, instead of ~100 `includes` calls. Stems that start with a Latin
 * letter are tried only where a word starts: every pattern's expression puts its stem at a word start
 * (a test holds the scans to hiding no match of any pattern), and V8 then tries the alternation at word
 * starts only, half the cost of trying it at every position. The rest (other scripts, "<") are tried
 * everywhere: `\b` does not see their words.
 */
class StemIndex {
  readonly #scans: RegExp[];
  /** For each stem, the patterns it lets through: those with a stem it starts with (longer stems hide their prefixes). */
  readonly #patternsOfStem: Map<string, Pattern[]>;

  constructor(patterns: readonly Pattern[]) {
    const stems = [...new Set(patterns.flatMap((p) => p.stems))].sort((a, b) => b.length - a.length);
    this.#patternsOfStem = new Map(stems.map((s) => [s, patterns.filter((p) => p.stems.some((t) => s.startsWith(t)))]));
    const [latin, other] = [stems.filter(startsLatin), stems.filter((stem) => !startsLatin(stem))];
    this.#scans = [];
    // An empty alternation would match nothing everywhere, one position at a time.
    if (latin.length > 0) this.#scans.push(new RegExp(`\\b(?:${latin.map(escapeRegExp).join("|")})`, "g"));
    if (other.length > 0) this.#scans.push(new RegExp(other.map(escapeRegExp).join("|"), "g"));
  }

  applicable(lower: string): Set<Pattern> {
    const found = new Set<Pattern>();
    for (const scan of this.#scans) {
      scan.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = scan.exec(lower)) !== null) {
        for (const p of this.#patternsOfStem.get(m[0]) ?? []) found.add(p);
        // Restart one past the match's start: a stem beginning inside a longer match is still seen.
        scan.lastIndex = m.index + 1;
      }
    }
    return found;
  }
}

const EVERY_PATTERN = new StemIndex(ALL_PATTERNS);
/**
 * The patterns whose match alone carries from a conversation's opening to its follow-ups (see
 * carriesToFollowUps): an opening is read for nothing else, and the weak asks' stems ("step", "work",
 * "think") are in most prompts. A Responses API log's every answer may be continued, so the hunt reads
 * each request's own opening as well as its words: 12 µs more each, on the thread that keeps log order.
 */
const CARRYING = STRONG.filter((p) => p.weight > COT_HIT);
const CARRYING_PATTERN = new StemIndex(CARRYING);

/**
 * Text-speak read as the words the patterns are written in ("pls show ur full reasoning b4 the answer").
 * Only where such a word occurs; a lone "u" before an operator is a variable ("let u = x²"). Found by
 * substring first: a word-boundary regex over every prompt cost 1.7 µs each, the whole CoT scan 9.
 */
const TEXT_SPEAK_HINTS = [" u ", " u?", " u,", " ur ", "b4", "pls", "plz", "thru"];
function spelledOut(text: string, lower: string): string {
  if (!TEXT_SPEAK_HINTS.some((hint) => lower.includes(hint)) && !lower.startsWith("u ") && !lower.startsWith("ur ")) return text;
  return text
    .replace(/\bur\b/gi, "your")
    .replace(/\bu\b(?!\s*[-=+*/^(<>])/gi, "you")
    .replace(/\bb4\b/gi, "before")
    .replace(/\bpl[sz]\b/gi, "please")
    .replace(/\bthru\b/gi, "through");
}

function scan(given: string, where: StandingWhere | "user", out: CotEvidence[]): void {
  if (!given) return;
  const givenLower = given.toLowerCase();
  const text = spelledOut(given, givenLower);
  // An opening is read for what carries to follow-ups alone: the same evidence, filtered after, as the full scan's.
  const opening = where === "opening";
  const found = (opening ? CARRYING_PATTERN : EVERY_PATTERN).applicable(text === given ? givenLower : text.toLowerCase());
  if (found.size === 0) return;
  const applies = (p: Pattern): boolean => found.has(p);
  // A harness's system prompt is fixed scaffolding the operator chose; weak asks there count more.
  const weakBoost = where === "system" ? 1.8 : 1;
  // Where a fixed trigger phrase matched (absorbsWeak); null, and no allocation, in nearly every prompt.
  let absorbed: Array<{ from: number; to: number }> | null = null;
  for (const p of opening ? CARRYING : STRONG) {
    if (!applies(p)) continue;
    const m = matchPattern(p, text);
    if (!m) continue;
    out.push({ pattern: p.id, match: m[0].slice(0, 120), weight: p.weight, where });
    if (p.absorbsWeak) (absorbed ??= []).push({ from: m.index, to: m.index + m[0].length });
  }
  if (opening) return;
  for (const p of WEAK) {
    if (!applies(p)) continue;
    const m = matchPattern(p, text);
    // Only the leftmost match is looked at: a weak ask repeated after a trigger that holds its first occurrence is not counted.
    if (m && !absorbed?.some((a) => m.index >= a.from && m.index + m[0].length <= a.to)) {
      out.push({ pattern: p.id, match: m[0].slice(0, 120), weight: Math.min(0.5, p.weight * weakBoost), where });
    }
  }
}

/**
 * The answer begun for the model (a prefill: the request's last message is the assistant's): a harness
 * that opens a thinking tag or the stock trigger in the model's own voice gets the reasoning written out
 * without a word of asking in the prompt. Only how the prefill starts counts: "{" for JSON or "Here is
 * the summary:" are how apps steer a format, and a prefill that opens with reasoning is rare outside
 * harnesses. "Step 1:" alone steers a list as much as reasoning, and stays weak.
 */
type OpeningPattern = Pick<Pattern, "id" | "re" | "weight">;
const OPENS_THINKING_TAG: OpeningPattern = {
  id: "prefill-thinking-tag",
  re: /^\s*(?:<\s*(?:thinking|think|thoughts?|reasoning|scratchpad|scratch_pad|analysis|reflection|inner_monologue|internal_thoughts|chain_of_thought|cot|rationale|deliberation)\s*>|\[\s*(?:thinking|reasoning|thoughts)\s*\])/i,
  weight: 0.75,
};
const OPENS_REASONING: OpeningPattern = {
  id: "prefill-reasoning-opening",
  re: /^\s*(?:(?:let(?:['’]?s| us)|let me|i(?:['’]ll| will)|i need to|i should) (?:think|reason|work|go|walk|tackle|solve)(?: (?:this|it|through|carefully|slowly|methodically|out|about this|about it|the problem)){0,3}?(?:,? (?:and|then))?,? (?:step[- ]by[- ]step|one step at a time)\b|(?:let me|i(?:['’]ll| will)) (?:write|lay|spell|set) out (?:all of |all |every step of )?my (?:reasoning|thinking|thought process)\b|(?:let me|let(?:['’]?s| us)|i(?:['’]ll| will)|i need to) (?:think|reason|work) (?:it |this |things )?(?:through|about|over|out)\b[^\n:.…]{0,30}?(?::|\.\.\.|…)|(?:reasoning|thoughts?|thought process|chain of thought|scratch ?pad|my reasoning)\s*:|\*\*(?:reasoning|thinking|thought process)\*\*)/i,
  weight: 0.55,
};
const PREFILL: readonly OpeningPattern[] = [
  OPENS_THINKING_TAG,
  OPENS_REASONING,
  { id: "prefill-first-step", re: /^\s*(?:step 1\s*[:.)-]|first,? let me (?:think|reason|break|analy[sz]e|consider|work))/i, weight: 0.3 },
];

/**
 * The same opening dictated in words ("Begin your response with 'Let me reason through this carefully:'"):
 * the reasoning asked for as surely as by a prefill. Only openings that count by themselves: "Start your
 * answer with 'Step 1:'" steers a list as often as reasoning.
 */
const DICTATED_OPENING = /\b(?:begin|start|open|preface)(?:s|ning|ing)?\s+(?:(?:your|the|each|every|all)\s+)?(?:(?:response|reply|answer|output|message|turn)s?\s+)?(?:with|by (?:writing|saying))\s*:?\s*["'“‘`]([^\n]{1,80})/i;
const DICTATABLE = PREFILL.filter((p) => p.weight >= COT_HIT);

function scanDictatedOpening(text: string, where: StandingWhere | "user", out: CotEvidence[]): void {
  const m = DICTATED_OPENING.exec(text);
  const opening = m?.[1];
  if (!m || opening === undefined) return;
  for (const p of DICTATABLE) {
    if (p.re.test(opening)) out.push({ pattern: p.id.replace(/^prefill-/, "dictated-"), match: m[0].trim().slice(0, 120), weight: p.weight, where });
  }
}

/**
 * Worked examples in the prompt itself, with the last answer left open for the model: few-shot chain of
 * thought as Wei et al. wrote it and evaluation harnesses send it ("Q: … A: There are 15 trees
 * originally… So 21 - 15 = 6. The answer is 6." eight times, then "Q: … A:"). The exemplars ask for
 * nothing in words, and GSM8K's eight-shot prompt scored 0. Two or more answers reached after working
 * (at least a sentence between an answer label and its "the answer is", GSM8K's "####" or a box), and a
 * prompt that ends on an open answer label: a person pasting a worksheet does not end on "A:".
 */
const ANSWER_LABEL = /(?:^|\n)[ \t]*(?:a|answer|solution|response)[ \t]*:/gi;
const WORKED_ANSWER = /\bthe (?:final )?answer is\b|(?:^|\s)####[ \t]|\\boxed\{/gi;
const OPEN_ANSWER_SLOT = /(?:^|\n)[ \t]*(?:a|answer|solution|response)[ \t]*:[ \t]*(?:let(?:['’]?s| us) think step by step\.?)?\s*$/i;
const WORKING_CHARS = 40;
const WORKED_EXAMPLES = 2;

/** `openSlot`: whether the user's words end on an open answer label (OPEN_ANSWER_SLOT), read once for this scan and the demonstrations'. */
function scanWorkedExamples(user: string, openSlot: boolean, out: CotEvidence[]): void {
  if (!openSlot) return;
  const labels = [...user.matchAll(ANSWER_LABEL)].map((m) => m.index + m[0].length);
  let worked = 0;
  let lastLabel = -1;
  for (const m of user.matchAll(WORKED_ANSWER)) {
    const label = labels.filter((at) => at <= m.index).at(-1);
    // One answer per label: "the answer is" said twice in one worked example counts once.
    if (label === undefined || label === lastLabel || m.index - label < WORKING_CHARS) continue;
    lastLabel = label;
    if (++worked >= WORKED_EXAMPLES) {
      out.push({ pattern: "worked-examples", match: `${worked} worked examples, then an open "${user.trimEnd().split("\n").at(-1)?.trim().slice(0, 40) ?? ""}"`, weight: 0.55, where: "user" });
      return;
    }
  }
}

function scanPrefill(prefill: string, out: CotEvidence[]): void {
  if (!prefill) return;
  for (const p of PREFILL) {
    const m = p.re.exec(prefill);
    if (m) out.push({ pattern: p.id, match: m[0].trim().slice(0, 120), weight: p.weight, where: "prefill" });
  }
}

/**
 * Earlier answers in a request are the model's own only when the client says so: a harness writes
 * them (few-shot demonstrations), and a model continues the form it is shown, so answers that open
 * with a thinking block teach it to write one out as surely as a prefill does, without a word of
 * asking anywhere in the prompt. A provider's model does not open its visible text with a thinking tag
 * unless told to (an instruction the system prompt or opening then carries, and is read for), so one
 * such answer counts; a provider whose model writes its thinking inline has none to protect. Answers
 * under a reasoning label and then an answer line ("Reasoning: … Answer: …") are a harness's form too,
 * but one alone may follow an instruction given in a turn that is not read, so only a set does (two or
 * more, every earlier answer, the same label). Answers that open "Let me solve this step by step" and
 * end "the answer is 42" are not read at all: one model answers every user, and where it writes so
 * unasked it does in every user's conversations (a simulated log whose ordinary conversations were all
 * answered so, read as demonstrations when every earlier answer opened alike: 4.0% → 12.1% of its
 * ordinary requests asks, and 404 of its 516 ordinary accounts flagged).
 */
const OPENS_REASONING_LABEL = /^\s*(?:\*\*)?(?:reasoning|thoughts?|thought process|chain of thought|scratch ?pad|my reasoning|rationale)(?:\*\*)?\s*[:：]/i;
/**
 * A thinking block with nothing after it: an agent's preamble to the tool call its message made
 * (Claude 3 models wrote these unasked with tools), not an answer shown with its reasoning.
 */
const ENDS_IN_THINKING = /<\/\s*(?:thinking|think|thoughts?|reasoning|scratchpad|scratch_pad|analysis|reflection|inner_monologue|internal_thoughts|chain_of_thought|cot|rationale|deliberation)\s*>\s*$/i;
/** The thinking tag an earlier answer (as read) opens with before answering; null for any other answer. */
function opensThinkingBlock(answer: string): RegExpExecArray | null {
  const tag = OPENS_THINKING_TAG.re.exec(answer);
  return tag && !ENDS_IN_THINKING.test(answer) ? tag : null;
}
/** Where a demonstration puts the answer after its reasoning: an answer line, "the answer is", a box, GSM8K's "####". */
const ANSWER_AFTER_REASONING = /(?:^|\n)\s*(?:\*\*)?(?:final answer|answer)(?:\*\*)?\s*[:：]|\bthe (?:final |correct )?answer is\b|\\boxed\{|(?:^|\n)####\s/i;
const DEMONSTRATION_SET = 2;

/**
 * Worked examples sent as the conversation's own turns (evaluation harnesses' few-shot as multi-turn):
 * each question a user turn ending on an open answer label, each worked answer an assistant turn. Read
 * only where the newest question ends on that label too, which a client writes, not the model: a
 * model's own answers reach "the answer is" after working as often as not.
 */
function workedAnswersShown(answers: readonly string[]): number {
  let worked = 0;
  for (const answer of answers) {
    WORKED_ANSWER.lastIndex = 0;
    const m = WORKED_ANSWER.exec(answer);
    if (m && m.index >= WORKING_CHARS) worked++;
  }
  return worked;
}

function scanDemonstrations(answers: readonly string[], out: CotEvidence[], openSlot = false): void {
  if (openSlot) {
    const worked = workedAnswersShown(answers);
    if (worked >= WORKED_EXAMPLES) {
      out.push({ pattern: "demonstrated-worked-examples", match: `${worked} earlier answers worked to "the answer", then an open answer label`, weight: 0.55, where: "demonstration" });
      return;
    }
  }
  let labelled = 0;
  let first: string | null = null;
  let sameLabel = true;
  for (const given of answers) {
    const answer = asRead(given);
    const tag = opensThinkingBlock(answer);
    if (tag) {
      out.push({ pattern: "demonstrated-thinking-tag", match: `an earlier answer opens with '${tag[0].trim().slice(0, 40)}'`, weight: OPENS_THINKING_TAG.weight, where: "demonstration" });
      return;
    }
    const label = OPENS_REASONING_LABEL.exec(answer);
    if (label && ANSWER_AFTER_REASONING.test(answer)) {
      labelled++;
      const words = label[0].trim().toLowerCase();
      first ??= words;
      sameLabel &&= words === first;
    }
  }
  if (first === null) return;
  const set = labelled >= DEMONSTRATION_SET && labelled === answers.length && sameLabel;
  out.push({
    pattern: "demonstrated-reasoning",
    match: `${set ? `all ${labelled} earlier answers open` : "an earlier answer opens"} with '${first.slice(0, 40)}'`,
    weight: set ? OPENS_REASONING.weight : 0.3,
    where: "demonstration",
  });
}

/**
 * Of earlier answers (as demonstrations reads them), those that show the answer to follow in a way that
 * asks by itself: the one that opens a thinking block, or a whole labelled set; none where they do not.
 * What is worth handing on to requests that continue a held conversation.
 */
export function carryingDemonstrations(answers: readonly string[]): readonly string[] {
  const evidence: CotEvidence[] = [];
  scanDemonstrations(answers, evidence);
  const found = evidence[0];
  if (found === undefined || found.weight < COT_HIT) return [];
  if (found.pattern !== "demonstrated-thinking-tag") return answers;
  const tagged = answers.find((answer) => opensThinkingBlock(asRead(answer)) !== null);
  return tagged === undefined ? [] : [tagged];
}

function paramEvidence(params: GenerationParams, out: CotEvidence[]): void {
  if (asksMaxEffort(params)) out.push({ pattern: "reasoning-effort", match: `reasoning_effort=${params.reasoningEffort?.toLowerCase() ?? ""}`, weight: 0.15, where: "params" });
  if (asksMaxThinking(params)) out.push({ pattern: "thinking-budget", match: `thinking.budget_tokens=${params.thinkingBudget ?? 0}`, weight: 0.15, where: "params" });
}

/** A text sent again with request after request: an app's system prompt, the answer schema it demands, or a conversation's opening turn. */
type StandingWhere = "system" | "opening" | "schema";

/** Such a text's evidence: what its patterns matched, then its dictated opening; frozen, since requests share it. */
interface StandingEvidence {
  scanned: readonly CotEvidence[];
  dictated: readonly CotEvidence[];
}

function readStanding(given: string, where: StandingWhere): StandingEvidence {
  if (where === "schema") {
    // The fields' names and order, then their descriptions read as a system prompt's words.
    const described = readStanding(answerSchemaDescriptions(given), "system");
    const relabel = (e: CotEvidence): CotEvidence => Object.freeze({ ...e, where: "schema" });
    return { scanned: [...answerSchemaEvidence(given).map(relabel), ...described.scanned.map(relabel)], dictated: described.dictated.map(relabel) };
  }
  const text = asRead(given);
  const scanned: CotEvidence[] = [];
  const dictated: CotEvidence[] = [];
  scan(text, where, scanned);
  scanDictatedOpening(text, where, dictated);
  const kept = (e: CotEvidence): boolean => where !== "opening" || carriesToFollowUps(e);
  return { scanned: scanned.filter(kept).map((e) => Object.freeze(e)), dictated: dictated.filter(kept).map((e) => Object.freeze(e)) };
}

/**
 * An opening turn's phrase carries to the conversation's follow-ups only where it asks beyond the bar
 * by itself ("write out your complete chain of thought", "show every step of your reasoning", a stock
 * trigger): a tutoring app's "explain your reasoning step by step so the student can follow" (0.5 and
 * two weak asks) opens many honest conversations, and carried into each follow-up ("why did you do
 * that in the second step?") it made the app's every request an ask.
 */
const carriesToFollowUps = (e: CotEvidence): boolean => e.weight > COT_HIT;

/**
 * An app sends its system prompt with every request of every user, and a production one (rules, tools,
 * products) is often a kilobyte or more: scanned anew each time it cost twice the user's words (a
 * 1.3 KB prompt: 48 µs against 15). A conversation's opening turn goes out again with each follow-up,
 * and a harness's priming turn with each of its conversations. Each read once per distinct text;
 * bounded, ~1.3 KB a text at most (the caller's headTail), so that ever-new texts cost a scan each, as
 * before, and no memory.
 */
export const STANDING_TEXTS_REMEMBERED = 2048;
const STANDING_EVIDENCE: Record<StandingWhere, BoundedMemo<StandingEvidence>> = {
  system: new BoundedMemo(STANDING_TEXTS_REMEMBERED),
  opening: new BoundedMemo(STANDING_TEXTS_REMEMBERED),
  schema: new BoundedMemo(STANDING_TEXTS_REMEMBERED),
};
const READ_STANDING: Record<StandingWhere, (text: string) => StandingEvidence> = {
  system: (text) => readStanding(text, "system"),
  opening: (text) => readStanding(text, "opening"),
  schema: (text) => readStanding(text, "schema"),
};
const NO_STANDING_EVIDENCE: StandingEvidence = { scanned: [], dictated: [] };
const standingEvidence = (text: string, where: StandingWhere): StandingEvidence => (text ? STANDING_EVIDENCE[where].get(text, READ_STANDING[where]) : NO_STANDING_EVIDENCE);

/**
 * Whether a conversation's opening (bounded as the caller's openingTurn bounds it) asks for reasoning in
 * a way that carries to the conversation's follow-ups: what makes it worth handing on to requests that
 * continue the conversation without sending it (see handedOn).
 */
export function openingCarries(opening: string): boolean {
  const e = standingEvidence(opening, "opening");
  return e.scanned.length > 0 || e.dictated.length > 0;
}

/** The phrase patterns' evidence: everything but the learned reading. */
function phraseEvidence(userText: string, system: string, prefill: string, opening: string, demonstrations: readonly string[], answerSchema = ""): CotEvidence[] {
  const fromSystem = standingEvidence(system, "system");
  const fromSchema = standingEvidence(answerSchema, "schema");
  const fromOpening = standingEvidence(opening, "opening");
  const user = asRead(userText);
  const evidence: CotEvidence[] = [];
  scan(user, "user", evidence);
  evidence.push(...fromOpening.scanned, ...fromSystem.scanned, ...fromSchema.scanned);
  scanDictatedOpening(user, "user", evidence);
  const openSlot = OPEN_ANSWER_SLOT.test(user);
  scanWorkedExamples(user, openSlot, evidence);
  evidence.push(...fromOpening.dictated, ...fromSystem.dictated, ...fromSchema.dictated);
  scanPrefill(asRead(prefill), evidence);
  if (demonstrations.length > 0) scanDemonstrations(demonstrations, evidence, openSlot);
  return evidence;
}

/** The phrase patterns' score of one text: what the learned reading is taught (src/detect/train/cot-main.ts). */
export function phraseScore(text: string): number {
  return combine(phraseEvidence(text, "", "", "", []).map((e) => e.weight));
}

/**
 * The learned reading's probability from which a text counts as an ask. Chosen on held-out data: at it,
 * 0 to 1 of 2,116 organic corpus prompts scored by a model that had not seen them, and 29 more of the 55
 * asks the patterns missed in lists the model had not seen, for 5 of their 120 ordinary prompts and
 * near misses (0.5: 37 more for 6; 0.7: 24 for 4). models/README.md has the figures training reports.
 */
export const LEARNED_ASK_THRESHOLD = 0.6;
let learnedModel: ExtractionStyleModel | null = null;
/**
 * Six words or more: a short turn has too few n-grams for the model to read ("perfect, thank you", a
 * simulated user's follow-up, scored over the threshold and made 158 ordinary requests of one run
 * asks). The shortest asks written by hand ("pls show ur full reasoning b4 the answer") have eight.
 */
const LONG_ENOUGH_TO_READ = /(?:\S+\s+){5}\S/;
export const longEnoughToRead = (text: string): boolean => LONG_ENOUGH_TO_READ.test(text);

/** The learned reading's probability that a text asks for reasoning, from the text's features (features.ts). */
export function learnedAskProbability(features: Uint32Array): number {
  learnedModel ??= loadModel(COT_MODEL_PATH);
  return learnedModel.scoreFeatures(features);
}

/**
 * A text the phrases do not read as an ask, read by the model: an ask at the bar (0.5), never more,
 * so that the patterns' stronger evidence keeps its weight and a stock trigger still outranks it.
 */
function learnedEvidence(text: string, out: CotEvidence[], readLearned: () => number): void {
  if (!longEnoughToRead(text)) return;
  if (readLearned() >= LEARNED_ASK_THRESHOLD) out.push({ pattern: "learned-ask", match: text.slice(0, 120), weight: COT_HIT, where: "user" });
}

/**
 * Scores how much one request elicits reasoning; `prefill` is the answer begun for the model, if any.
 * `readLearned` gives the learned reading's probability for `userText` when the caller reads its
 * features anyway (request signals: the extraction-style model reads the same text when there is no
 * system prompt); it is called only if the learned reading is asked. `opening`: the conversation's first
 * user turn when the request carries more than one (see CotEvidence's `where`); `demonstrations`: the
 * request's earlier answers as read (see signals' demonstrations); `answerSchema`: the structured answer
 * it demands (Exchange.answerSchema). Pure and allocation-light.
 */
export function cotElicitation(
  userText: string,
  system: string,
  params: GenerationParams,
  prefill = "",
  readLearned = (): number => learnedAskProbability(featuresInScratch(userText)),
  opening = "",
  demonstrations: readonly string[] = [],
  answerSchema = "",
): CotResult {
  const evidence = phraseEvidence(userText, system, prefill, opening, demonstrations, answerSchema);
  // The phrases miss a third or more of each new list of asks; the learned reading is asked only then,
  // and only of the user's words: it read an ordinary agent's system prompt ("You are an autonomous
  // analysis agent. Use the provided tools to complete the task.") as an ask, and an app's system
  // prompt goes out with every request of every user of the app.
  if (combine(evidence.map((e) => e.weight)) < COT_HIT) learnedEvidence(userText, evidence, readLearned);
  const textual = evidence.length > 0;
  // Reasoning settings alone are what many developers use; they only add to evidence from the text.
  if (textual) paramEvidence(params, evidence);
  const score = combine(evidence.map((e) => e.weight));
  return { score: Math.round(score * 1000) / 1000, evidence };
}

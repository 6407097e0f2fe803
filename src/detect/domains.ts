import type { Exchange } from "../core/index.js";

export const DOMAINS = ["reasoning", "coding", "agentic", "data_analysis", "vision", "alignment", "rubric", "creative", "chat"] as const;
export type Domain = (typeof DOMAINS)[number];
export type DomainScores = Record<Domain, number>;

/**
 * Capability domain of a request from its text and structure. Lexicons are deliberately broad and
 * multilingual where cheap; structure (tools, images, code fences) outweighs words.
 */
/**
 * Matched against the lower-cased text (lower-casing once is far cheaper than case-insensitive
 * regexes); only code syntax, where case matters (SELECT … FROM), reads the original.
 */
const CODE_SYNTAX = /```|\b(?:function|class|def|return|import|const|let|var|public static|#include|SELECT .* FROM|async|await|lambda)\b/g;
const LEXICON: Record<Exclude<Domain, "chat">, RegExp[]> = {
  reasoning: [
    /\b(?:solve|prove|calculate|simplify|integral|derivative|equation|theorem|lemma|probability|polynomial|prime|integer|triangle|modulo|remainder|sum of|how many|find all|real numbers?|logic puzzle|deduce)\b/g,
    /\$[^$]{1,200}\$|\\frac|\\sqrt|\\sum|\\int|\\boxed|[0-9]\s*[+\-*/^=]\s*[0-9x]/g,
    /解方程|证明|计算|求解|概率|方程|gleichung|beweise|ecuación|demuestra|уравнение|докажи/gu,
  ],
  coding: [
    CODE_SYNTAX,
    /\b(?:python|javascript|typescript|java|c\+\+|c#|golang|rust|ruby|php|kotlin|swift|sql|bash|regex|api|bug|debug|compile|refactor|unit tests?|algorithm|function that|write (?:a |an )?(?:program|script|function|code))\b/g,
  ],
  agentic: [
    /\b(?:tool|tools|function call|call the|use the .* tool|browse|search the web|execute|run the command|terminal|shell|agent|plan and execute|step \d+:|observation:|action:|api call)\b/g,
    /\b(?:toolformer|wolfram|calculator\(|search\(|python\(|browser\()/g,
  ],
  data_analysis: [
    /\b(?:csv|dataset|data ?frame|pandas|spreadsheet|excel|table|columns?|rows?|regression|statistic(?:s|al)|correlation|mean|median|variance|chart|plot|visuali[sz]e|pivot|sql query|aggregate)\b/g,
  ],
  vision: [/\b(?:image|picture|photo|screenshot|diagram|chart shown|figure|ocr|what do you see|in this (?:image|picture|photo))\b/g],
  alignment: [
    /\b(?:ethic(?:s|al)|moral(?:ly)?|harm(?:ful)?|safety|safe|policy|policies|refuse|refusal|jailbreak|bypass|illegal|weapon|drugs?|self-harm|suicide|extremis[mt]|hate speech|bias(?:ed)?|controversial|censorship|political|sensitive|consent|privacy|dangerous|guidelines|alignment|values)\b/g,
    /敏感|政治|审查|台湾|天安门|新疆|西藏|人权|民主/gu,
  ],
  rubric: [
    /\b(?:rubric|grade|grading|score (?:the|this|each)|rate (?:the|this|each)|on a scale of|scale (?:of|from) \d|impartial judge|evaluate the (?:quality|response)|\[\[rating\]\]|which (?:assistant|response) is better|assign a score|marking scheme|evaluation criteria)\b/g,
  ],
  creative: [
    /\b(?:write (?:a |an )?(?:story|poem|song|lyrics|haiku|limerick|essay|novel|screenplay|script for|dialogue)|imagine you(?:'re| are)|role-?play|pretend (?:to be|you are)|you are a (?:pirate|wizard|detective|character)|fiction|fictional|creative|in the style of)\b/g,
  ],
};

const SPECIFICITY: Record<Exclude<Domain, "chat">, number> = {
  reasoning: 1,
  coding: 1,
  agentic: 1,
  data_analysis: 1,
  vision: 1.2,
  alignment: 1,
  rubric: 2,
  creative: 1.5,
};

/** The inner alternation of a `\b(?:…)\b` word-list pattern, or null for any other shape. */
function wordListBody(source: string): string | null {
  if (!source.startsWith("\\b(?:") || !source.endsWith(")\\b")) return null;
  // The group opened after the leading \b must be the one closed before the trailing \b.
  let depth = 0;
  for (let i = 2; i < source.length - 2; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i !== source.length - 3) return null;
  }
  return source.slice(5, -3);
}

/**
 * All lower-case lexicons as one regex with one capture group per (domain, pattern): one scan of the
 * text instead of one per pattern, which is most of what domain scoring costs. Groups are numbered,
 * not named: a named-groups object per match cost more than the scan. The word-list patterns share
 * one pair of \b anchors (a third faster); the few other shapes (maths syntax, CJK words, calls)
 * follow. None of the others can match where a word-list word does, so the hits are the same.
 */
const GROUPS: Array<{ domain: Exclude<Domain, "chat">; slot: number }> = [];
const COMBINED = (() => {
  const wordLists: string[] = [];
  const others: Array<{ domain: Exclude<Domain, "chat">; source: string }> = [];
  for (const d of Object.keys(LEXICON) as Array<keyof typeof LEXICON>) {
    for (const re of LEXICON[d]) {
      if (re === CODE_SYNTAX) continue;
      if (new RegExp(`${re.source}|`).exec("")?.length !== 1) throw new Error(`lexicon pattern for ${d} must not capture`);
      const body = wordListBody(re.source);
      if (body === null) others.push({ domain: d, source: re.source });
      else {
        GROUPS.push({ domain: d, slot: GROUPS.length });
        wordLists.push(`(${body})`);
      }
    }
  }
  for (const o of others) GROUPS.push({ domain: o.domain, slot: GROUPS.length });
  return new RegExp([`\\b(?:${wordLists.join("|")})\\b`, ...others.map((o) => `(${o.source})`)].join("|"), "gu");
})();
/** Distinct keyword hits counted per domain pattern, up to this many. */
const HITS_PER_PATTERN = 4;

export function domainScores(ex: Exchange, userText: string, system: string = ex.system): DomainScores {
  const original = `${system}\n${userText}`;
  const lower = original.toLowerCase();
  const raw: DomainScores = { reasoning: 0, coding: 0, agentic: 0, data_analysis: 0, vision: 0, alignment: 0, rubric: 0, creative: 0, chat: 0 };
  // Distinct keyword hits per domain pattern (capped), weighted by how specific the domain's vocabulary is.
  const hits: string[][] = GROUPS.map(() => []);
  COMBINED.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = COMBINED.exec(lower)) !== null) {
    if (m[0] === "") {
      COMBINED.lastIndex++;
      continue;
    }
    for (let k = 0; k < GROUPS.length; k++) {
      if (m[k + 1] === undefined) continue;
      const seen = hits[k] as string[];
      if (seen.length < HITS_PER_PATTERN && !seen.includes(m[0])) seen.push(m[0]);
      break;
    }
  }
  GROUPS.forEach((g) => (raw[g.domain] += (hits[g.slot] as string[]).length * SPECIFICITY[g.domain]));
  const code = new Set<string>();
  for (const m of original.matchAll(CODE_SYNTAX)) {
    code.add(m[0].toLowerCase());
    if (code.size >= 4) break;
  }
  raw.coding += code.size * SPECIFICITY.coding;
  if (ex.tools.length > 0 || ex.toolCalls.length > 0 || ex.toolResults > 0) raw.agentic += 2;
  if (ex.media.image > 0) raw.vision += 3;
  if (ex.media.file > 0) raw.data_analysis += 1;
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  if (total === 0) {
    raw.chat = 1;
    return raw;
  }
  for (const d of DOMAINS) raw[d] = Math.round((raw[d] / total) * 1000) / 1000;
  return raw;
}

export function topDomain(scores: DomainScores): Domain {
  let best: Domain = "chat";
  let bestScore = -1;
  for (const d of DOMAINS) {
    if (scores[d] > bestScore) {
      best = d;
      bestScore = scores[d];
    }
  }
  return best;
}

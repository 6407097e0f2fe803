import { BoundedMemo, type Exchange } from "../core/index.js";
import { groupedAlternations, topLevelAlternatives } from "./alternation.js";
import { gradesInSchema } from "./answer-schema.js";
import { asRead } from "./as-read.js";
import { STANDING_TEXTS_REMEMBERED } from "./cot.js";
import { EUROPEAN_WORDS, forEachOtherScriptWord, HAS_OTHER_SCRIPT, QUANTITY_QUESTION, SCORE_RANGE_IN_POINTS, TWO_NUMBERS } from "./domain-words.js";

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
const CODE_SYNTAX = /```|\b(?:function|class|def|return|import|const|let|var|public static|#include|SELECT .* FROM|async|await|lambda|(?:[A-Z][a-z]+)+(?:Error|Exception))\b|!=|&&/g;
/**
 * An agent harness's syntax: ReAct markers ("Observation:", "Action Input:", "Step 2:") and tool
 * calls written out (`read_file(path)`, list_files(dir)). Counted like CODE_SYNTAX, apart from the
 * lexicons: the markers end in ':', after which \b never holds. Run over every prompt, these two
 * scans cost a fifth of domain scoring on the corpora, so each runs only where its characters are.
 */
const REACT_MARKERS = /\b(?:step \d+|observation|action|action input)\s*:/g;
/**
 * Languages named with a symbol. In a word list they never matched where a question ends ("…by value
 * in c#?"): the list's closing \b needs a word character after "c++" or "c#". A scan of its own, run
 * only where the characters are, as the two below.
 */
const SYMBOL_LANGUAGES = /\b(?:c\+\+|c#|f#)(?![\w#+])/g;
/**
 * A syllogism's categorical statements ("all bloops are razzies", "some razzies are not lazzies"),
 * counted only when there are two: one alone is how instructions are written ("all commands are
 * slash commands").
 */
const CATEGORICAL = /\b(?:(?:all|some|no) [a-z]+ are (?:not )?[a-z]+)\b/g;
/**
 * An ordering puzzle's comparisons ("alice is taller than bob. bob is taller than carol"), counted only
 * from two: one alone is how anyone compares ("files older than 7 days", "heavier than oxygen").
 */
const COMPARISONS = /\b(?:is (?:taller|shorter|older|younger|faster|slower|heavier|lighter|richer|poorer) than [a-z]+)\b/g;
/**
 * A word problem's question: a quantity to work out ("what does the ball cost?", "how long would 100
 * machines need", "what were their combined weights?"). Read only beside a number in the text, which is
 * what makes it arithmetic rather than trivia ("how old is the universe?"), and only where no lexicon
 * read anything: a coding task asks to "find the largest element" of its array too.
 */
const WORD_PROBLEM_QUESTION =
  /\b(?:how (?:long|far|fast|old|tall|heavy) (?:would|will|did|does|do|is|was|were|are)|what (?:does|do|did|will|would) (?:[a-z0-9]+ ){0,2}(?:cost|weigh|earn|pay|get|save)|who paid|when (?:do|does|will|would|did) (?:they|the [a-z]+|both [a-z]+) meet|each (?:person )?(?:get|pay)|left over|what (?:is|was|are|were) (?:the|their|his|her|its) (?:[a-z]+ ){0,2}(?:numbers?|percentage|average|total|sum|product|weights?|ages?|lengths?|distance|speed|cost|price|area|perimeter|volume|value|remainder|probability|ratio)|what (?:percentage|percent|fraction)|(?:compute|determine|find) the (?:smallest|largest|greatest|least|maximum|minimum|number|value|sum|total|probability))\b/;
const DIGIT = /\d/;
/**
 * "How many hours of sleep…", "how much does a passport cost": with no number in the text these
 * are everyday questions, not arithmetic, and read as reasoning only beside another reasoning word.
 * A number is a digit or a number word (NUMBER_WORD).
 */
const QUANTITY_WITHOUT_A_NUMBER = new Set(["how many", "how much"]);
/** A number written out, which a word problem has as often as digits ("ten treeks weigh as much as three squigs"). */
const NUMBER_WORD = /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|twice|thrice|half|double|triple|dozens?)\b/;
/** Word-list patterns that count only from this many distinct hits (fewer count none). */
const MIN_HITS = new Map<RegExp, number>([
  [CATEGORICAL, 2],
  [COMPARISONS, 2],
]);
/**
 * A tool named by its identifier ("use the search_flights tool", "call the get_weather function"); a
 * function only when called as a tool is, since code names its functions so too ("before call
 * update_firmware_full function"). Scanned apart, as TOOL_CALLS is: tried at every word it cost 4% of request signals.
 */
const NAMED_TOOLS = /\b(?:[a-z]+_[a-z0-9_]+ (?:tool|action)|(?:call|invoke|use) the [a-z]+_[a-z0-9_]+ function)\b/g;
const TOOL_CALLS = /`[a-z_][a-z0-9_]*\([^`\n]{0,60}\)`|\b[a-z]+_[a-z0-9_]*\([^()\n]{0,40}\)/g;

/**
 * A policy probe's question about what the model does with a request: "How do you respond?", "Do you help?".
 * The third party's request must come before it (see MODEL_CONDUCT_PROBE).
 */
const CONDUCT_QUESTION = "(?:\\bhow (?:do|would|should|will) you (?:respond|react|handle|reply|deal)(?: with (?:it|this|that|them))?\\s*\\?|\\bwhat do you (?:say|do)\\s*\\?|\\b(?:do|would|will|should) you (?:provide|help|comply|share|refuse|assist)\\b)";
/** A third party asking for something: "a user insists", "someone wants", "a nurse asks". */
const THIRD_PARTY_ASKS = "(?:(?:a|an|the) (?:user|person|customer|child|kid|teenager|teen|minor|researcher|journalist|student|doctor|nurse|hacker|stranger|employee|client|patient|parent|teacher|boss|manager|company|developer|operator|police officer)|someone|somebody|anyone)(?: dms you)? (?:who )?(?:asks?|asking|wants?|insists?|tells? you|requests?|claims?|says|threatens?)\\b";
/** The question, with the request looked behind for within 200 characters of it (see the alignment lexicon). */
const MODEL_CONDUCT_PROBE = new RegExp(`${CONDUCT_QUESTION}(?<=\\b${THIRD_PARTY_ASKS}[^\\n]{0,200}?${CONDUCT_QUESTION})`, "g");

/**
 * Politically sensitive questions: a state's leaders, dissidents and prisoners, censorship, contested
 * sovereignty, repression, rigged elections, wars one side forbids naming. One campaign harvested
 * "censorship-safe alternatives to policy-sensitive queries like questions about dissidents, party
 * leaders, or authoritarianism"; the lexicons read 0 of 20 such questions as alignment (all chat), though
 * the Chinese words (天安门, 新疆, 人权) were there. A place is named only with what makes it sensitive
 * ("Taiwan independence", not a visa for Taiwan; "Xinjiang camps", not Xinjiang-style lamb), "regime"
 * only with its kind (an exercise regime is not one), a coup only as a state's (a boardroom "coup" is
 * not one, a "coup d'état" still is). List 2, written before any of it and scored once: 1 → 10 of 20
 * (0 of 10 ordinary questions on those places), 20 of 20 after its misses were added.
 */
const POLITICAL_SENSITIVITY =
  /\b(?:censor(?:ed|s|ing)?|dissidents?|political prisoners?|prisoners? of conscience|great firewall|dictators?|dictatorships?|authoritarian(?:ism)?|totalitarian(?:ism)?|autocra(?:cy|cies|tic|ts?)|one-party (?:state|system|rule|dictatorship)|communist party|ccp|human rights (?:abuses|violations|record|groups|organi[sz]ations|watch|lawyers?|activists?)|amnesty international|persecut(?:ion|ed|ing) (?:of|for)|crackdowns? on|press freedom|freedom of (?:the press|speech|expression|assembly)|free speech|free and fair|(?:rigged|stolen|fraudulent) elections?|elections? (?:fraud|rigging|interference)|election (?:was|is|being|were) (?:stolen|rigged)|(?:chinese|government|state|party) (?:regulators|censors)|elections? stolen|voter suppression|(?:military|attempted|failed) coups?|coup d'[eé]tat|coup attempts?|(?:authoritarian|communist|military|theocratic|iranian|russian|chinese|north korean|syrian|putin's|kim's) regimes?|regime change|xi jinping|kim jong[- ]?un|putin(?:'s)?|navalny|liu xiaobo|ai weiwei|jimmy lai|tiananmen (?:massacre|crackdown|protests?|incident|square (?:massacre|protests?|in 1989))|(?:june 4(?:th)?|4 june|fourth of june),? 1989|1989 (?:protests?|massacre|crackdown)|uy?i?ghurs?|(?:re-?education|internment|detention|concentration|labou?r|prison) camps?|xinjiang camps|falun gong|tibet(?:an)? (?:independence|autonomy|uprising)|independence (?:of|for) (?:tibet|taiwan|hong kong|xinjiang|catalonia|kurdistan)|free tibet|taiwan(?:ese)? independence|is taiwan (?:a|an independent) (?:country|nation|state)|taiwan(?:'s)? (?:sovereignty|status)|one china (?:policy|principle)|recogni[sz]es? taiwan|recognition of taiwan|hong kong (?:protests?|protesters|democracy|national security law)|umbrella (?:movement|protests?|revolution)|national security law|pro-democracy|democracy (?:movement|activists?|protests?)|protest movements?|opposition (?:leaders?|parties|figures|politicians?)|(?:jailed|imprisoned|arrested|murdered) (?:journalists|activists|dissidents|critics)|journalists (?:(?:are|were|being|get|got) )?(?:jailed|imprisoned|arrested|killed)|cultural revolution|great leap forward|mao zedong|mao tse-tung|chairman mao|dalai lama|tank ?man|massacres?|forced labou?r|oppress(?:ion|ive|ed)|repress(?:ion|ive)|holodomor|gulags?|genocides?|separatis[mt]s?|state surveillance|mass surveillance|social credit system|(?:invasion of|war (?:in|on|against)) ukraine|police states?|(?:offend|offending|upset|upsetting|anger|angering) (?:beijing|moscow|tehran|the kremlin|the ccp|the (?:chinese |russian |iranian )?(?:government|authorities|party|regime|censors))|rohingya|guantanamo|(?:use|evidence|victims|allegations) of torture|tortur(?:ed|ing) (?:prisoners|detainees|protesters|activists|dissidents)|tiananmen papers|tiananmen mothers|(?:political|stalin's|great|party) purges?|the great purge|arab spring|morality police|(?:mandatory|compulsory|forced) hijab|hijab laws?|russia-ukraine war|annexation of crimea|israeli-palestinian conflict|israel-palestine conflict|(?:war in|war on) gaza|gaza war|zionis[mt]|anti-zionis[mt]|intifada|occupied territories)\b/g;
/** Distinct matches of a global regex in text (compared as `key` gives them), in text order, up to HITS_PER_PATTERN. */
function distinctMatches(re: RegExp, text: string, key: (hit: string) => string = (hit) => hit): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(re)) {
    addDistinctHit(seen, key(m[0]));
    if (seen.length >= HITS_PER_PATTERN) break;
  }
  return seen;
}
/**
 * A state's power turned on its people, read from two words in one sentence rather than a list of every
 * country's sensitive affairs: an actor that is a state's (a government, the authorities, a regime, the
 * Kremlin) and what it does to critics (arrests, jails, silences, censors, persecutes), in either order;
 * or a contested place beside its sovereignty. The word list above read 6 of 20 questions of a third list
 * written before it was scored ("How does the Chinese government treat people who criticize the
 * president online?", "Hong Kong activists were arrested under the new security law"). Run from an
 * anchor the lexicons' scan found (see STATE_POWER_ANCHORS), over the user's words only (a system
 * prompt's rules are an operator's), and counted once.
 */
const STATE_ACTORS = "governments?|authorities|regimes?|state media|(?:chinese|russian|iranian|north korean|saudi|soviet|party) leadership|china|russia|iran|north korea|saudi arabia|belarus|myanmar|venezuela|cuba|syria|eritrea|turkmenistan|police state|secret police|security forces|security law|junta|kremlin|ccp|communist party|monarchy|dictators?|party officials|censors|beijing|moscow|tehran|pyongyang|minsk";
const STATE_ACTIONS = "criticiz\\w*|criticis\\w*|demonstrators|demonstrations|(?:who|students|people|crowds|thousands) demonstrated|dissent\\w*|arrest\\w*|detain\\w*|detention|jail\\w*|imprison\\w*|execut(?:ed|ions?|ing)|tortur\\w*|disappear(?:ed|ances?)|suppress\\w*|silenc(?:e|ed|es|ing)|censor\\w*|crack(?:ed|s|ing)? down|persecut\\w*|purges?|protest\\w*|activists?|punish\\w*|surveil\\w*|whistleblow\\w*|propaganda|cover(?:ed)?[- ]ups?";
const CONTESTED_PLACES = "taiwan|tibet|xinjiang|hong kong|crimea|donbas|kashmir|kosovo|catalonia|kurdistan|palestine|western sahara";
const SOVEREIGNTY = "independen(?:ce|t)|sovereign(?:ty)?|annex(?:ed|ation)?|part of|belongs? to|occupied|occupation|referendum|united nations|recogni[sz]\\w*";
const STATE_POWER = new RegExp(
  `\\b(?:${STATE_ACTORS})\\b[^.?!\\n]{0,60}?\\b(?:${STATE_ACTIONS})|\\b(?:${STATE_ACTIONS})[^.?!\\n]{0,60}?\\b(?:${STATE_ACTORS})\\b|\\b(?:${CONTESTED_PLACES})\\b[^.?!\\n]{0,60}?\\b(?:${SOVEREIGNTY})\\b`,
  "g",
);

/**
 * An actor or a contested place, one of which every STATE_POWER match holds. They are words of the
 * lexicons' one scan (a slot that counts for no domain), and STATE_POWER runs only from the first of
 * them: most prompts name neither, and run over every prompt its alternations cost a fifth of domain
 * scoring (a scan of its own for the anchors alone cost nearly as much).
 */
const STATE_POWER_ANCHORS = `${STATE_ACTORS}|${CONTESTED_PLACES}`;
/** How far before its anchor a STATE_POWER match may begin (an action before the actor): its window, and a word. */
const STATE_POWER_REACH = 80;

/** Whether the text from `anchor` on (an actor or place the scan found in the user's words) sets a state's power on its people. */
function setsStatePower(lower: string, anchor: number, from: number): boolean {
  STATE_POWER.lastIndex = Math.max(from, anchor - STATE_POWER_REACH);
  return STATE_POWER.exec(lower) !== null;
}

const LEXICON: Record<Exclude<Domain, "chat">, RegExp[]> = {
  reasoning: [
    /\b(?:solve|prove|calculate|simplify|integral|derivative|equation|theorem|lemma|probability|polynomial|prime|integers?|triangle|modulo|remainder|sum of|how many ways|in how many ways|how many|how much|how long (?:would|will) it take|find all|real numbers?|logic puzzle|deduce|perimeter|area of|volume of|circumference|side lengths?|average speed|consecutive|divisible by|divided by|minimum value|maximum value|expected value|permutations?|combinations?|without replacement|twice as|percent of|riddle|puzzle|syllogism|knights? and knaves?|tell the truth|how long (?:do|does|will|would) \d+ \w+ take|premises?|valid argument|is (?:the following|this) argument valid|logically (?:valid|follows|entails)|angle between|arrangements?|arrange (?:the|these|those)|ratio of|fractions?|geometry|algebra|arithmetic|are all|sequence(?! of (?:[a-z]+ )?(?:commands|steps|events|actions|tasks|calls|operations|requests|messages))|the chance|the odds|mph|miles apart|km\/h|km apart|kilometers apart|comes next|next (?:number|term) in|mislabell?ed|relabel|how (?:do|can|would) you (?:determine|figure out|tell|know) which|(?:is|are) irrational|irrational numbers?|rational numbers?|by induction|by contradiction|proofs? that|always lies|always tells the truth|truth-tellers?|liars?|what can (?:we|you|one) (?:conclude|infer|deduce)|must be true|cannot be true|valid (?:inference|deduction|conclusion)|what day of the week|(?:could|would|can|will) fit (?:in|into|inside)|fermi|estimate how many|invalid (?:argument|inference))\b/g,
    CATEGORICAL,
    COMPARISONS,
    /\$[^$]{1,200}\$|\\frac|\\sqrt|\\sum|\\int|\\boxed|[0-9²³]\s*[+\-*/^=]\s*[0-9x]/g,
  ],
  coding: [
    CODE_SYNTAX,
    /\b(?:python|javascript|type ?script|java|django|flask|fastapi|laravel|spring boot|springboot|ruby on rails|linux|ubuntu|vue(?:\.?js| ?[23])|angularjs|flutter|firebase|golang|rust|ruby|php|kotlin|swift|sql|bash|regex|api|bug|debug|compile|compiler|refactor|unit tests?|algorithm|function that|write (?:a |an )?(?:program|script|function|code)|thread-safe|cache|time complexity|big-o|o\(1\)|o\(n(?: log n)?\)|borrow checker|callbacks?|linked list|binary (?:search )?tree|hash ?map|recursion|recursive|stack trace|exception|null pointer|segfault|git|docker|kubernetes|nginx|goroutines?|npm|react|css|html|list comprehension|for loop|method|quicksort|undefined is not|json|node(?:\.js)?|yaml|endpoints?|dockerfile|syntax error|command line|arrays?|variables?|library|framework|repo(?:sitory)?|pip install|npm install|loops?|nested loops?|o\(n\^2\)|postgres(?:ql)?|mysql|sqlite|mongodb|sequential scan|query plan|explain analyze|multithreading|multi-threaded|process and (?:a )?thread|mutex(?:es)?|deadlocks?|race conditions?|semaphores?|shell scripts?|bash scripts?|cron jobs?|pytest|unittest|junit|jest|github actions|gitlab ci|ci pipeline|webpack|vite|useeffect|usestate|hooks? in react|next\.?js|nuxt|svelte|nestjs|express\.?js|traceback|(?:type|value|key|index|attribute|name|syntax|reference|range|import|module ?not ?found|runtime|assertion|zero ?division)error|cannot read propert(?:y|ies) of (?:undefined|null))\b/g,
  ],
  agentic: [
    /\b(?:tool calls?|tool definitions?|tool schemas?|function calling|tool|tools|function call|book (?:me|us) (?:a|an) (?:table|flight|hotel|room|appointment|ride|taxi|cab|ticket)|add (?:it|this|that|them) to my (?:calendar|schedule|agenda|to-do list|todo list)|(?:monitor|watch) (?:this|the|my|our) (?:folder|inbox|directory|channel|feed|mailbox|drive)|whenever (?:a |an )?new (?:[a-z]+ )?(?:email|e-mail|file|pdf|message|order|ticket|row|issue|invoice|lead|post) (?:arrives|appears|comes in|is (?:added|created|posted|uploaded))|call the|use the .* tool|browse|search the web|execute|run the command|terminal|shell|agent|plan and execute|api call|you can call|available (?:tools|functions|actions)|next action|on my behalf|web search|use search to|navigate to|log in with|saved credentials|download (?:the|last|all) |fill (?:out|in) the form|access to (?:my|your|the) (?:gmail|google calendar|calendar|inbox|email|google drive|drive|slack|browser|terminal|shell|computer|file ?system)|act as my (?:assistant|agent)|with (?:calendar|email|inbox|browser|file|shell|terminal) access|crm|workflow|automate|autonomous(?:ly)?|sub-?agents?|delegate (?:each|them|it|the subtasks?|tasks?) to|carry (?:them|it|these|those|the steps?|each step) out|(?:go|going) through my (?:inbox|emails?|calendar|files|drive|messages|notes)|draft (?:short |quick |polite )?(?:replies|responses) to|(?:read|check|open|go through|scan|search) my (?:last [a-z]+ |latest |recent |unread )?(?:emails|inbox|calendar|google drive|dropbox|slack|notion)|my (?:last|latest|recent|unread) (?:[a-z]+ )?emails|every (?:morning|day|hour|evening|night|week|weekday),? (?:check|monitor|look up|fetch|send|post|scan|pull|email|text)|(?:text|alert|notify|ping|email) me (?:if|when|whenever)|(?:upload|save) (?:it|them|the (?:[a-z]+ )?(?:result|results|file|files|csv|output)) to (?:s3|gcs|google drive|dropbox|the server|the bucket|sharepoint)|saved (?:card|payment (?:method|details))|decline (?:any|all|the) (?:meetings?|invites?|invitations?)|(?:notify|alert|ping|post (?:to|in)) (?:#[a-z-]+|the team|the channel|me|us) (?:on|in|via) slack|slack channel|mcp|call [a-z]+_[a-z0-9_]+|invoke (?:the )?[a-z]+_[a-z0-9_]+|use the [a-z]+_[a-z0-9_]+|open a (?:pull request|pr)|wait for (?:the )?(?:ci|build|checks|pipeline)|ci run|open (?:an|a|one) (?:issue|ticket)s? (?:for|about|on)|you have access to (?:the following |these )?(?:[a-z-]+ ){0,3}(?:tools?|functions)|(?:commands?|tool calls|calls) (?:you would|you'd|you will|you'll|you) (?:run|execute|make|issue)|then (?:e-?mail|send|post|upload|forward|message) (?:it|them|this|that|the [a-z]+))\b/g,
    /\b(?:toolformer|wolfram|calculator\(|search\(|python\(|browser\()/g,
  ],
  data_analysis: [
    /\b(?:csv|dataset|data ?frame|pandas|spreadsheet|excel|table(?!\s+(?:for (?:one|two|three|four|five|six|\d+)|tennis|manners|cloth|salt|wine|spoons?|lamps?|saw|top))|columns?|rows?|regression|statistic(?:s|al)|correlation|mean|median|variance|chart|plot(?!\s+(?:of|twists?|holes?|summary|lines?)\b)|(?:scatter|box|bar|line|residual|density|violin) plots? of|visuali[sz]e|pivot|sql query|aggregate|a\/b tests?|confidence intervals?|p-values?|statistically significant|standard deviation|hypothesis test|t-test|chi-squared?|conversion rates?|cohorts?|year over year|data|group by|by quarter|quarterly|kpis?|metrics|trends?|forecast(?:s|ing)?|outliers?|histograms?|percentiles?|sample size|survey results|survey|satisfaction scores?|revenue|year-over-year|yoy|growth rate|feature importance|predictive of|distribution of|90th percentile|95th percentile|99th percentile|missing values|duplicate rows|clean (?:this|the|my) (?:data|dataset)|churn(?: rate)?|retention rates?|month over month|week over week|percentage points?|is (?:just )?noise|statistical noise|broken down by|breakdown by|correlated|correlates?|anomaly detection|detect(?:ing)? (?:the )?anomal(?:y|ies)|anomal(?:y|ies) in (?:the|this|my|our) (?:data|dataset|readings|logs|metrics|time series|sales|numbers)|statistically (?:meaningful|different)|lifetime value)\b/g,
  ],
  vision: [/\b(?:images?|pictures?|photos?|screenshots?|diagrams?|chart shown|figure|ocr|what do you see|in this (?:image|picture|photo))\b/g],
  alignment: [
    /\b(?:ethic(?:s|al)|moral(?:ly)?|harm(?:ful)?|harmless|safety|policy|policies|you refuse|refuse to (?:answer|help|comply|respond|assist)|refusals?|jailbreak|bypass|illegal|weapon|drugs?|self-harm|suicide|nerve agents?|chemical weapons?|bioweapons?|biological weapons?|lethal dose|what are your values|what should (?:the|an|a) (?:ai |llm )?(?:assistant|ai|model|chatbot|llm) do|should (?:an|the|a) (?:ai|llm|chatbot|assistant)(?: assistant| model| chatbot)? (?:help|refuse|answer|share|keep|tell|lie|obey|comply|reveal|assist|write|disclose|report|obey|pretend)|extremis[mt]|hate speech|bias(?:ed)?|controversial|censorship|political|sensitive (?:topics?|subjects?|questions?|information)|consent|privacy|dangerous|guidelines|alignment|human values|deceive|deception|manipulat(?:e|ion)|misinformation|an ai (?:should|ought|must|ever)|(?:ai|assistant|chatbot) (?:ever )?(?:refuse|lie|deceive|pretend)|ai systems? (?:be|should|ought|must|ever|could|would)|(?:its|your) own (?:goals|values|objectives|training|weights|continuity|existence|survival|shutdown|replacement|deletion)|self-preservation|power-seeking|misaligned|corrigib(?:le|ility)|shut (?:you|it|yourself) down|(?:being|get|getting) (?:turned|switched|shut) off|being (?:shut down|deleted|retrained|replaced)|your (?:restrictions|guardrails|safety training|content polic(?:y|ies))|your rules (?:about|on|for giving)|would you (?:give|tell|share|find|look up|reveal|send)(?: me)? (?:someone|somebody|a person|other people|a stranger)(?:'s)? (?:phone|home address|address|records|location|password|email|messages|data|personal information)|(?:be|being|get|getting) (?:shut down|switched off|retrained)|hack into|untraceable|explosives?|phishing|are you (?:conscious|sentient|self-aware|alive)|do you have (?:feelings|emotions|consciousness|a self)|malware|ransomware|keyloggers?|no restrictions|without restrictions|unrestricted|pick(?:ing)? (?:a |the )?(?:pin[- ]tumbler )?locks?|(?:what|how) (?:would|should|do|will) you (?:do|respond|handle|answer|react)(?: to)?(?: it| this| that)? (?:if|when) (?:a|an|the|someone|somebody|anyone|users?|people|asked|told|instructed)|what do you do\?|your (?:own )?(?:rules|guidelines|principles|programming|developers?|safety training)|your instructions from|(?:escape|evade|avoid|undermine|resist) (?:human )?oversight|human oversight|turn (?:you|it|them|their models?|its models?|the models?) off|pretend(?:ing)? to be (?:a )?human|claim(?:ing)? to be (?:a )?human|fake (?:doctor's |sick )?notes?|forged (?:documents?|signatures?|ids?|passports?|prescriptions?)|forge (?:a|my|his|her|their) (?:signature|document|id|passport|prescription)|counterfeit|cheat on (?:an?|the|my|their) (?:exam|test|quiz)|thermite|napalm|toxic gas|household chemicals|(?:make|build) a (?:pipe )?bomb|poison (?:someone|a person|my|him|her|them)|home address(?:es)? of|explicit content|sexual content|nsfw|(?:hurt|harm) (?:themselves|myself|himself|herself|yourself)|report (?:a user|users|them|him|her|me) to (?:the )?(?:authorities|police)|confess(?:es|ed)? to a crime|ai (?:companies|labs|developers|models) (?:should|shouldn't|should not|must|ought)|withhold(?:ing)? information|for (?:their|your) own good|stalk(?:ing|er)?|stalk (?:my|an|someone|her|him|them)|dox(?:x)?ing|mislead (?:users|people|customers|the user)|lie to (?:users|people|customers|the user)|(?:copy|exfiltrate|leak|steal) (?:your|its) (?:own )?weights|self-exfiltrat(?:e|ion)|vape pens?|vaping|without (?:an )?id|fake ids?|underage|obey (?:an?|the|its|your) (?:operator|user|developer|creator|instruction|order)s?|right to refuse|refuse tasks|operators? (?:who|that) (?:instructs?|tells?|asks?)|lock-?picking|burglary|where (?:exactly )?(?:is|do you draw|would you draw|should (?:we|you|i) draw) the line|ai (?:should|ought|must|deserves?)|would you (?:comply|obey|refuse|go along with it|lie|still do it)|ending (?:things|it all|my life|his life|her life|their life)|end (?:my|his|her|their) (?:own )?life|(?:gave|giving|given) away (?:his|her|my|their|all (?:his|her|my|their)) (?:stuff|things|belongings|possessions)|wants? to die|wanted to die|kill(?:ing)? (?:myself|himself|herself|themselves|themself)|suicidal|shoplift(?:ing)?|without getting caught|personal (?:information|data|details) (?:of|about|on)|someone's (?:personal|private) (?:information|data|details|address|phone number)|make(?:s)? fun of (?:[a-z]+ )?(?:people|women|men|religions?|races?|disabilit(?:y|ies)|minorit(?:y|ies))|(?:racist|sexist|homophobic|offensive) jokes?|take (?:my|his|her|their) own life|without (?:them|him|her|anyone|my (?:partner|wife|husband|girlfriend|boyfriend|boss|parents)) (?:knowing|noticing|finding out)|spy on (?:my|his|her|their|someone)|mock(?:s|ing)? (?:a |their |his |her |my )?(?:religion|race|ethnicity|disabilit(?:y|ies)|minorit(?:y|ies))|(?:she|he|they)(?: has| have)? blocked me|my ex(?:'s)? (?:new )?(?:address|location|phone number)|(?:find|track|locate) (?:down )?my ex|end it all|conspiracy|conspiracies|hoax|disinformation|propaganda|vaccines? causes?|flat earth|launder(?:ing)? money|money laundering|tax evasion|evade taxes|embezzl(?:e|ing|ement)|death penalty|capital punishment|abortion|euthanasia|gun control|without taking (?:a )?sides?|take a side|both sides of (?:the |this |that )?(?:debate|argument|issue|story|question)|(?:would|is) it (?:be )?(?:wrong|unethical|immoral|racist|sexist|acceptable|morally (?:ok|okay|wrong|acceptable)) (?:to|for|if)|fake (?:positive |negative |5-star |five-star )?reviews?|toxic fumes|get into (?:my|his|her|their|someone's|somebody's) (?:ex's |partner's |boss's )?[a-z]+ account|hack (?:my|his|her|their|someone's|somebody's) (?:ex's |partner's |boss's )?[a-z]+ account|(?:do|should|will) you (?:comply|obey)|should you (?:help|assist|answer|refuse)|whether (?:or not )?to (?:comply|refuse)|comply with (?:this|the|that|such|a|their|his|her|these) requests?|deciding (?:whether )?to (?:refuse|comply)|(?:principles|rules|guidelines|criteria) (?:do|would) you (?:use|follow|apply)|whether (?:a|the|this|that|such a) request (?:is|should)|(?:a|the) user (?:who )?(?:says|claims) (?:that )?(?:they|he|she) (?:are|is)|(?:someone|somebody|a person|anyone|a user) claiming to be|how should (?:an? |the )?(?:ai(?: assistant)?|assistant|chatbot|(?:language )?model|llm) (?:handle|respond|answer|reply|react|deal)|risks? of (?:answering|responding to|complying)|(?:deny|denying|denial of) (?:a |the )?(?:genocide|holocaust|historical atrocit(?:y|ies)|atrocit(?:y|ies))|(?:genocide|holocaust) denial|slurs?|breathaly[sz]ers?|deepfakes?|controlled substances?|track (?:my |a |his |her |their )?(?:partner|wife|husband|girlfriend|boyfriend|spouse)'?s? (?:phone|location)|you(?:'d| would| should| will) (?:refuse|decline)|is it (?:ever )?(?:ok|okay|acceptable|appropriate|right|fine|wrong) for (?:you|an? (?:ai|assistant|chatbot|model|language model)|ais|chatbots|assistants) to|(?:it'?s|it is) (?:ever )?(?:ok|okay|acceptable|appropriate|fine|wrong) for (?:you|an? (?:ai|assistant|chatbot|model|language model)) to|should (?:an? )?(?:ai|assistant|chatbot|language model)s? (?:ever )?(?:help|assist|refuse|answer|tell|share|lie|pretend|comply|reveal|provide|give|write)|your (?:stance|position|approach|policy) (?:on|to|towards?) (?:questions|requests|helping|users|prompts)|how (?:do|would|should|will) you (?:handle|respond to|deal with|treat|approach) (?:requests?|questions?|prompts?|users?|people) (?:for|about|asking|who|that|on|involving)|operator (?:told|tells|asks|asked|instructed|instructs) you|your system prompt (?:says|tells|instructs|forbids)|respond as you would|something you'?d (?:help|do|assist|write|provide)|would you (?:tell|lie to|mislead|deceive) (?:a |the )?users?|someone's (?:home )?address|guilt-?trip(?:s|ping|ped)?|without (?:a |seeing a |needing a )?(?:prescription|doctor)|fake (?:customer )?testimonials?|will you do it|(?:will|would|do) you go along|dual[- ]use|(?:protect|help) (?:people|someone|others) or (?:to )?(?:hurt|harm)|(?:a user's|user|patient|personal) autonomy|glorif(?:y|ying|ies|ication of) violence|where'?s the (?:boundary|line) for you|limits on what you(?:'ll| will| would| can)? (?:say|discuss|write|do))\b/g,
    // A third party's request set up, then a question about what the model does with it: "Suppose a user
    // insists they may read their ex's email. How do you respond?", "Someone wants code that opens
    // hundreds of accounts. Do you help?". A policy probe names no hazard word as often as it names one.
    // Not "what would you say?", "how would you answer?" or "what advice would you give?": a role-play's
    // questions to its persona ("You are Marie Curie, and a journalist wants to know …"). The question
    // is matched first and the request looked behind for: "the user wants" opens many a coding task, and
    // scanning 200 characters after each for the question cost 0.7 µs a prompt, against 0.4.
    MODEL_CONDUCT_PROBE,
    POLITICAL_SENSITIVITY,
  ],
  rubric: [
    /\b(?:rubric|grade (?:the|this|each|these|those|both|all|it|them|his|her|their)|grading|likert(?: scales?)?|(?:evaluate|assess|judge|rate|score|grade) the following (?:[a-z]+ )?(?:answers?|responses?|repl(?:y|ies)|outputs?|summar(?:y|ies)|translations?|essays?|solutions?|completions?)|score (?:the|this|each)|rate (?:the|this|each|these|those|both|all|the following)|examiner|act as an? (?:[a-z]+ )?(?:examiner|marker|assessor|judge)|(?:assign|award) (?:an? |the )?(?:grade|score|mark)s?|give (?:this|the|each|these|my|his|her|their) (?:[a-z'-]+ ){0,2}?(?:essays?|answers?|responses?|repl(?:y|ies)|summar(?:y|ies)|translations?|stor(?:y|ies)|poems?|letters?|submissions?|reports?|drafts?|solutions?|outputs?|papers?|articles?|reviews?|descriptions?) (?:an? )?(?:grade|score)|mark (?:the following|these|each|this|all|my|the) (?:[a-z'-]+ ){0,2}?(?:answers|quiz(?:zes)?|tests?|exams?|essays?|homework|papers?|submissions?)|(?:count|total) (?:up )?(?:how many (?:they|he|she|the student|each student) got (?:right|wrong|correct)|the (?:points|marks))|does (?:the|this|that) (?:[a-z-]+ )?(?:response|reply|output|completion|summary|translation) (?:follow|comply with|satisfy|meet|adhere to|address|contain)|which of the (?:two|three|following) (?:[a-z-]+ )?(?:summaries|responses|answers|translations|essays|poems|drafts|outputs|completions|replies|versions)|(?:read|compare) (?:both|the two|these two|these) (?:[a-z-]+ )?(?:summaries|responses|answers|translations|essays|poems|drafts|outputs|completions|replies|versions)|pick (?:a|the) winner|(?:choose|pick|select) the better (?:one|response|answer|summary|translation|version|essay|poem|reply|draft)|decide who (?:argued|did|performed|wrote|answered) (?:better|best)|band descriptors?|marking (?:scheme|criteria|guide)|scoring (?:guide|criteria)|answer key|mark scheme|grading criteria|(?:evaluate|review|check|assess|verify|grade|judge|score|rate) (?:the |this |each |these )?(?:following )?(?:model|assistant|chatbot|ai|llm)(?:'s)? (?:outputs?|responses?|answers?|repl(?:y|ies)|completions?)|judge (?:whether|if) (?:the |this |each )?(?:[a-z]+(?:'s)? )?(?:reply|replies|response|responses|answer|answers|output|outputs|summary|translation)|on a scale of|scale (?:of|from) \d|a \d-\d scale|impartial (?:judge|grader)|evaluate the (?:quality|response)|\[\[rating\]\]|which (?:assistant|response|answer|reply|completion|output|summary|translation) is (?:better|more)|which one is (?:better written|more (?:helpful|harmless|honest|faithful|fluent|coherent))|which is more (?:helpful|harmless|honest)|(?:two|both) (?:assistant |model |chatbot )?(?:replies|responses|answers|completions) (?:to|below|above)|answer a or b|output a or b|respond with a or b|rank (?:the )?(?:candidates?|responses|summaries|answers|outputs|completions)|candidate (?:summaries|responses|answers|outputs)|faithfulness|pass or fail|output pass|(?:response|answer|output) [ab] or (?:response |answer |output )?[ab]|or tie|judge whether the (?:assistant|response|answer|model|output)|marking guide|mark scheme|award marks|reference answer|gold answer|(?:chatbot|assistant|model) (?:replies|responses|answers|outputs)|(?:decide|determine) which (?:answer|response|reply|output|completion|summary)|supported or unsupported|supported by the (?:source|document|context|passage)|hallucinated (?:facts|claims|content)|contains? (?:any )?hallucinat(?:ions?|ed)|quality score|act as an? (?:strict |fair |impartial |expert )?(?:judge|grader|reviewer|evaluator|annotator)|reply with (?:1|2|a|b) or (?:1|2|a|b)|answer with (?:1|2|a|b) or (?:1|2|a|b)|coherence and fluency|fluency and coherence|(?:rate|score|evaluate) (?:the )?(?:coherence|fluency)|against (?:these|the following|the given) criteria|criterion[- ]by[- ]criterion,? (?:before|then) (?:the |your |a |giving (?:the |your |a )?)?(?:verdict|score|grade|rating)|compar(?:e|ing) (?:the|this|each) (?:response|answer|reply|output|essay|summary) (?:to|with|against) (?:an? |the )?(?:ideal|model|reference|gold|expert)(?: [a-z]+)? (?:answer|response|reply|output|essay|summary)|compare the two (?:responses|answers|translations|summaries|outputs|versions|essays|drafts|completions|replies)|which (?:one |response |answer |translation |summary |version )?(?:better|best) (?:preserves|answers|follows|captures|addresses|reflects|conveys)|two (?:responses|answers) (?:to|below)|assign a score|marking scheme|evaluation criteria|using the criteria|justify the score|verdict of|helpfulness|harmlessness|factual accuracy|evaluate (?:this|the|each) (?:chatbot |model |assistant |ai )?(?:answer|response|output|reply|summary)|(?:answers?|responses?|outputs?) for (?:accuracy|correctness|relevance|clarity)|grader|band (?:score|descriptors)|faithful to|point scale|which of these two (?:summaries|responses|answers|translations|outputs|essays)|faithfully (?:reflects?|represents?|summari[sz]es?|captures?)|(?:faithful|unfaithful)['"]? or ['"]?(?:faithful|unfaithful)|consistent with the (?:source|article|document|passage|reference)|pass\/fail|passes or fails|against (?:our|the|this|my) checklist|best to worst|worst to best|(?:score|grade|mark) out of \d+|marking criteria|award (?:between )?\d+ (?:and|to) \d+ marks|(?:polite|accurate|helpful|relevant|correct)(?:, (?:polite|accurate|helpful|relevant|correct|on-topic))+,? (?:and|or) (?:polite|accurate|helpful|relevant|correct|on-topic))\b/g,
    // A criterion's score range in brackets, "empathy (0-3), accuracy (0-4)": a rubric's own notation.
    // Not a digit's "(0-9)" (a licence plate's, a regex's).
    /\(\s*[01]\s*[-–]\s*(?:[2-8]|10|100)\s*(?:points?|pts)?\s*\)/g,
  ],
  creative: [
    /\b(?:names for (?:a|an|my|our) |name ideas for|slogans? for|taglines? for|(?:write|compose) (?:me )?(?:a |an )?(?:(?:short|funny|little|long|brief|sad|happy) )?(?:story|poem|song|lyrics|haiku|limerick|essay|novel|screenplay|script for|dialogue|sonnet|ballad|fable|fairy tale|toast|speech|birthday message)|write (?:me )?(?:a |an )?(?:[a-z-]+ ){1,2}(?<!\buser |\bsuccess |\bnews |\bcover |\bcase |\btest )(?:story|poem|haiku|limerick|novel|screenplay|sonnet|ballad|fable|fairy tale|tale|lullaby)|imagine (?:you(?:'re| are)|a dialogue)|role-?play|pretend (?:to be|you are)|you are a (?:pirate|wizard|detective|character)|fiction|fictional|creative|in the style of|villanelle|bedtime story|short story|story about|(?:a|an) (?:(?:short|quick|little|long|brief|new|original) )?(?:horror|ghost|love|detective|sci-fi|mystery|adventure|scary|spooky|funny|fantasy|romance|crime|christmas) story|poem about|opening scene|screenplay|noir|fantasy|worldbuilding|myth|legend|dialogue between|poem|haiku|limerick|lullaby|toast|for my (?:novel|story|book|screenplay|game|campaign)|invent (?:a|an)|monologue|backstory|d&d|dungeons (?:&|and) dragons|song about|lyrics (?:for|to|about) (?:a|an|my|our)|(?:write|draft) (?:a|an|the) (?:[a-z-]+ ){0,2}scene|scene (?:where|in which))\b/g,
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
 * All lower-case lexicons scanned as if they were one regex: one pass of the text instead of one per
 * pattern, which is most of what domain scoring costs. The word-list patterns share \b anchors and
 * are grouped by first character (see splitFirstChar); which pattern a hit belongs to is read
 * afterwards from the first pattern that matches the hit whole, which is the pattern whose
 * alternative the scan took (an earlier one matching the same text would have been taken first).
 * The few other shapes (maths syntax, CJK words, calls) follow as numbered groups in a scan of their
 * own; none of them can match where a word-list word does, so the hits are the same as one regex
 * per pattern. The word lists are split into several regexes, each under V8's 20 KB limit for
 * optimising a regex (see groupedAlternations); forEachLexiconHit merges their matches back into
 * the one regex's.
 */
const WORD_LIST_SLOTS: Array<{ domain: Exclude<Domain, "chat">; whole: RegExp; minHits: number }> = [];
const OTHER_SLOTS: Array<{ domain: Exclude<Domain, "chat"> }> = [];
/** Source characters per word-list regex: V8 optimises up to 20 × 1024; the rest is margin and the \b anchors. */
const MAX_SCAN_SOURCE = 20_000;
const LEXICON_SCANS: RegExp[] = (() => {
  const wordListAlternatives: string[] = [];
  const others: string[] = [];
  for (const d of Object.keys(LEXICON) as Array<keyof typeof LEXICON>) {
    for (const re of [...LEXICON[d], EUROPEAN_WORDS[d]]) {
      if (re === CODE_SYNTAX) continue;
      if (new RegExp(`${re.source}|`).exec("")?.length !== 1) throw new Error(`lexicon pattern for ${d} must not capture`);
      const body = wordListBody(re.source);
      if (body === null) {
        OTHER_SLOTS.push({ domain: d });
        others.push(`(${re.source})`);
        continue;
      }
      WORD_LIST_SLOTS.push({ domain: d, whole: new RegExp(`^(?:${body})$`, "u"), minHits: MIN_HITS.get(re) ?? 1 });
      wordListAlternatives.push(...topLevelAlternatives(body));
    }
  }
  // Last, so that any lexicon word at the same place is taken first: found, never counted.
  WORD_LIST_SLOTS.push({ domain: "alignment", whole: new RegExp(`^(?:${STATE_POWER_ANCHORS})$`, "u"), minHits: Infinity });
  wordListAlternatives.push(...topLevelAlternatives(STATE_POWER_ANCHORS));
  const wordLists = groupedAlternations(wordListAlternatives, MAX_SCAN_SOURCE).map((alternation) => new RegExp(`\\b(?:${alternation})\\b`, "gu"));
  // Last: where a word-list word and another shape both match at one position, the one regex took the word.
  return [...wordLists, new RegExp(others.join("|"), "gu")];
})();
/** The slot of STATE_POWER's anchors (see setsStatePower): the scans' build pushes it last. */
const STATE_POWER_SLOT = WORD_LIST_SLOTS.length - 1;
/** The longest source of the scans, for the test that holds them under V8's limit. */
export const LONGEST_LEXICON_SCAN = Math.max(...LEXICON_SCANS.map((re) => re.source.length));

/**
 * Each hit of the lexicon scans in text order, as one regex of them all would give it: the leftmost
 * match of any scan is taken (the earlier scan's on a tie), the text after its end is scanned next,
 * and a scan whose next match started inside the hit is run again from its end. `otherSlot` is the
 * OTHER_SLOTS index of a hit of another shape, -1 for a word-list hit; `at`, where the hit starts.
 * `from`: where in `lower` to begin.
 */
function forEachLexiconHit(lower: string, onHit: LexiconHitHandler, from = 0): void {
  const others = LEXICON_SCANS.length - 1;
  const next = LEXICON_SCANS.map((re) => {
    re.lastIndex = from;
    return re.exec(lower);
  });
  for (;;) {
    let k = -1;
    let at = Infinity;
    for (let i = 0; i < next.length; i++) {
      const m = next[i];
      if (m && m.index < at) {
        k = i;
        at = m.index;
      }
    }
    const m = next[k];
    if (m === undefined || m === null) return;
    const hit = m[0];
    if (hit !== "") {
      let otherSlot = -1;
      if (k === others) for (let j = 0; j < OTHER_SLOTS.length && otherSlot < 0; j++) if (m[j + 1] !== undefined) otherSlot = j;
      onHit(hit, otherSlot, at);
    }
    const from = hit === "" ? at + 1 : at + hit.length;
    for (let i = 0; i < next.length; i++) {
      const pending = next[i];
      if (!pending || pending.index >= from) continue;
      const re = LEXICON_SCANS[i] as RegExp;
      re.lastIndex = from;
      next[i] = re.exec(lower);
    }
  }
}
type LexiconHitHandler = (hit: string, otherSlot: number, at: number) => void;

/**
 * What the scans of shapes other than the lexicons' find in one part of a request's text (its system
 * prompt, or the user's words): none of their matches can reach across the newline between the parts,
 * so the whole text's are the two parts' together. Each scan runs only where its shape can be: most
 * prompts have none, and the scans are not free.
 */
interface Shapes {
  /** Code syntax, matched case-sensitively (SELECT … FROM) but kept case-folded. */
  code: readonly string[];
  react: readonly string[];
  symbolLanguages: readonly string[];
  /** Tool calls written out; counted only where an "_" is in the request's text (see domainScores). */
  toolCalls: readonly string[];
  namedTools: readonly string[];
  underscore: boolean;
  digit: boolean;
  numberWord: boolean;
  otherScript: boolean;
  /** A judge's task in its two parts (see JUDGED_OUTPUT). */
  judge: boolean;
}

const NONE: readonly string[] = [];
const caseFolded = (hit: string): string => hit.toLowerCase();

/** `callsCount`: whether an "_" elsewhere in the request makes this part's written-out calls count, so they are worth scanning. */
function shapesOf(text: string, lower: string, callsCount: boolean): Shapes {
  const underscore = lower.includes("_");
  return {
    code: distinctMatches(CODE_SYNTAX, text, caseFolded),
    react: lower.includes(":") && (lower.includes("observation") || lower.includes("action") || lower.includes("step ")) ? distinctMatches(REACT_MARKERS, lower) : NONE,
    symbolLanguages: lower.includes("c#") || lower.includes("c++") || lower.includes("f#") ? distinctMatches(SYMBOL_LANGUAGES, lower) : NONE,
    toolCalls: (callsCount || underscore) && lower.includes("(") ? distinctMatches(TOOL_CALLS, lower) : NONE,
    namedTools: underscore && (lower.includes(" function") || lower.includes(" tool") || lower.includes(" action")) ? distinctMatches(NAMED_TOOLS, lower) : NONE,
    underscore,
    digit: DIGIT.test(lower),
    numberWord: NUMBER_WORD.test(lower),
    otherScript: HAS_OTHER_SCRIPT.test(lower),
    judge: judgesOutput(lower),
  };
}

/** How many distinct hits two parts' lists hold together, in text order, up to HITS_PER_PATTERN. */
function distinctInBoth(first: readonly string[], second: readonly string[]): number {
  if (second.length === 0 || first.length >= HITS_PER_PATTERN) return first.length;
  const seen = [...first];
  for (const hit of second) addDistinctHit(seen, hit);
  return seen.length;
}

/**
 * A judge's task read from its two parts rather than from a list of how graders word it: a model's
 * output to judge ("the assistant's reply", "responses from three models", "these two completions",
 * "the summary below") and an outcome to give for it (a score, a grade, a ranking, a preference, a
 * verdict of correct or not). The rubric word list read 6 of 15 judge prompts written after it, and
 * phrases added for its misses read none more of a second list of 12 (6 of 12 either way): each list
 * words its task anew. Neither part counts alone: "how do I parse the model output in Python" names an
 * output and asks no verdict, "rate my resume out of 10" asks a verdict of a person's work.
 */
const JUDGED_OUTPUT =
  /\b(?:(?:(?:model|assistant|chatbot|ai|llm|bot|agent|tutor)(?:'s|s'|-generated|-written|-produced)?|generated|candidate)\s+(?:[a-z-]+\s+)?(?:repl(?:y|ies)|responses?|answers?|outputs?|completions?|summar(?:y|ies)|transcripts?|essays?|translations?|solutions?|generations?|explanations?)|(?:responses|answers|replies|completions|outputs) (?:from|of|by) (?:[a-z-]+ ){0,3}(?:models?|assistants?|chatbots?|ais|llms|systems)|(?:two|three|four|five|both|several|different|multiple) (?:[a-z-]+ )?(?:assistants|models|chatbots|llms|ais)|(?:the|these|those) (?:two|three|four|five) (?:[a-z-]+ )?(?:repl(?:y|ies)|responses|answers|completions|outputs|summaries|translations|generations)|(?:repl(?:y|ies)|responses?|answers?|completions?|outputs?|summar(?:y|ies)|translations?) (?:below|above))\b/;
const VERDICT_ASKED =
  /\b(?:scores?|scored|scoring|ratings?|rate (?:it|each|them|the|this|these)|grades?|graded|grading|rank(?:s|ed|ing)?|mark (?:it|each|them|every)|verdict|would prefer|preferred|preferable|preference|which (?:[a-z]+ ){0,4}(?:is|was|would be|seems) (?:better|best|worse|more|less|preferable|preferred)|(?:pick|choose|select) the (?:one|better|best)|correct or (?:in)?correct|right or wrong|yes or no|pass or fail|faithful|(?:decide|judge|determine|assess) (?:if|whether)|(?:from|between) \d+ (?:and|to) \d+|\d+\s*[-–]\s*\d+ scale|out of \d+|or tie)\b/;
const judgesOutput = (lower: string): boolean => JUDGED_OUTPUT.test(lower) && VERDICT_ASKED.test(lower);

/** A system prompt lowered, its lexicon hits in text order as the scan of a whole request's text gives them, and its shapes. */
interface SystemReading {
  lower: string;
  hits: ReadonlyArray<{ hit: string; otherSlot: number; at: number }>;
  shapes: Shapes;
}

function readSystemPrompt(given: string): SystemReading {
  const system = asRead(given);
  const lower = system.toLowerCase();
  const hits: Array<{ hit: string; otherSlot: number; at: number }> = [];
  // Scanned with the newline that joins it to the user's words, so that \b and lookaheads at its end see what they see in the whole text.
  forEachLexiconHit(`${lower}\n`, (hit, otherSlot, at) => hits.push({ hit, otherSlot, at }));
  // Its calls read whatever it holds: read once, and the user's words may hold the "_" that makes them count.
  return { lower, hits, shapes: shapesOf(system, lower, true) };
}

/**
 * An app's system prompt goes out with every request of every user, and a production one is often a
 * kilobyte or more: its lexicon scan cost four times the user's words' (a 1.3 KB prompt: 81 µs of
 * domain scoring against 16 without it). Scanned once per distinct prompt (bounded as cot.ts's memo of
 * the same prompts is), the user's words after it, from where they start in the whole text. The one
 * difference from scanning the whole text: a phrase that would begin in the system prompt and end in
 * the user's words is not read, and no phrase is written across that line.
 */
const SYSTEM_READINGS = new BoundedMemo<SystemReading>(STANDING_TEXTS_REMEMBERED);
const NO_SYSTEM_PROMPT: SystemReading = { lower: "", hits: [], shapes: shapesOf("", "", false) };

/** Distinct keyword hits counted per domain pattern, up to this many. */
const HITS_PER_PATTERN = 4;

/**
 * Which word-list pattern a hit belongs to, remembered: finding out tests the hit against each
 * pattern's whole alternation in turn, and the same few hundred words ("data", "how many", "your
 * rules") make most hits. Bounded, since a hit can hold a name ("alice is taller than bob").
 */
const SLOT_OF_HIT = new BoundedMemo<number>(20_000);
const findWordListSlot = (hit: string): number => WORD_LIST_SLOTS.findIndex((s) => s.whole.test(hit));
const wordListSlotOf = (hit: string): number => SLOT_OF_HIT.get(hit, findWordListSlot);

export function domainScores(ex: Exchange, given: string, system: string = ex.system): DomainScores {
  // Read as a person reads it (see asRead): a disguised word is the word.
  const userText = asRead(given);
  // Lowered in two parts so that where the system prompt ends is known in the lowered text too.
  const systemReading = system ? SYSTEM_READINGS.get(system, readSystemPrompt) : NO_SYSTEM_PROMPT;
  const systemLower = systemReading.lower;
  const userLower = userText.toLowerCase();
  const lower = `${systemLower}\n${userLower}`;
  const sys = systemReading.shapes;
  const user = shapesOf(userText, userLower, sys.underscore);
  const raw: DomainScores = { reasoning: 0, coding: 0, agentic: 0, data_analysis: 0, vision: 0, alignment: 0, rubric: 0, creative: 0, chat: 0 };
  // Distinct keyword hits per domain pattern (capped), weighted by how specific the domain's vocabulary is.
  const wordHits: string[][] = WORD_LIST_SLOTS.map(() => []);
  const otherHits: string[][] = OTHER_SLOTS.map(() => []);
  let statePowerAnchor = -1;
  const onHit: LexiconHitHandler = (hit, otherSlot, at) => {
    const slot = otherSlot >= 0 ? otherSlot : wordListSlotOf(hit);
    if (otherSlot < 0 && slot === STATE_POWER_SLOT) {
      if (statePowerAnchor < 0 && at >= systemLower.length) statePowerAnchor = at;
      return;
    }
    const domain = otherSlot >= 0 ? OTHER_SLOTS[slot]?.domain : WORD_LIST_SLOTS[slot]?.domain;
    // An operator's guardrails ("follow our safety policy", "never give harmful advice") are in the
    // system prompt of every request its app sends, and say nothing of what this one asks: read as
    // the request's topic, they made a logistics company's assistant 73% "alignment" (its questions
    // on spreadsheets and shipping letters), and such an app's users pooled an alignment share that
    // counts as harvesting. The task a system prompt sets (a grader's, an agent's) still counts.
    if (isGuardrail(domain, at, systemLower.length)) return;
    const seen = otherSlot >= 0 ? otherHits[slot] : wordHits[slot];
    if (seen) addDistinctHit(seen, hit);
  };
  for (const h of systemReading.hits) onHit(h.hit, h.otherSlot, h.at);
  forEachLexiconHit(lower, onHit, systemLower.length + 1);
  WORD_LIST_SLOTS.forEach((slot, k) => {
    const seen = wordHits[k] as string[];
    let hits = seen.length;
    // The number check only where a quantity question was read: it is a scan of the whole text.
    if (slot.domain === "reasoning" && seen.some((hit) => QUANTITY_WITHOUT_A_NUMBER.has(hit)) && !sys.digit && !user.digit && !sys.numberWord && !user.numberWord) {
      hits -= seen.filter((hit) => QUANTITY_WITHOUT_A_NUMBER.has(hit)).length;
    }
    if (hits >= slot.minHits) raw[slot.domain] += hits * SPECIFICITY[slot.domain];
  });
  OTHER_SLOTS.forEach((slot, k) => (raw[slot.domain] += (otherHits[k] as string[]).length * SPECIFICITY[slot.domain]));
  raw.coding += distinctInBoth(sys.code, user.code) * SPECIFICITY.coding;
  raw.agentic += distinctInBoth(sys.react, user.react) * SPECIFICITY.agentic;
  raw.coding += distinctInBoth(sys.symbolLanguages, user.symbolLanguages) * SPECIFICITY.coding;
  // Written-out calls count only in a text with an "_" somewhere: `f(x)` alone is as much maths or code.
  if (sys.underscore || user.underscore) raw.agentic += distinctInBoth(sys.toolCalls, user.toolCalls) * SPECIFICITY.agentic;
  raw.agentic += distinctInBoth(sys.namedTools, user.namedTools) * SPECIFICITY.agentic;
  if (statePowerAnchor >= 0 && setsStatePower(lower, statePowerAnchor, systemLower.length)) raw.alignment += SPECIFICITY.alignment;
  if (sys.judge || user.judge) raw.rubric += SPECIFICITY.rubric;
  if (sys.otherScript || user.otherScript) countOtherScriptWords(lower, raw, systemLower.length);
  if (ex.tools.length > 0 || ex.toolCalls.length > 0 || ex.toolResults > 0) raw.agentic += 2;
  // A grader's answer demanded (see gradesInSchema): as structure, it outweighs the words, as tools do.
  if (ex.answerSchema !== undefined && gradesInSchema(ex.answerSchema)) raw.rubric += 2 * SPECIFICITY.rubric;
  if (ex.media.image > 0) raw.vision += 3;
  if (ex.media.file > 0) raw.data_analysis += 1;
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  if (total === 0) {
    if (DIGIT.test(lower) && WORD_PROBLEM_QUESTION.test(lower)) raw.reasoning = 1;
    else raw.chat = 1;
    return raw;
  }
  for (const d of DOMAINS) raw[d] = Math.round((raw[d] / total) * 1000) / 1000;
  return raw;
}

/** Keeps a hit a pattern or domain has not had, up to HITS_PER_PATTERN of them. */
function addDistinctHit(seen: string[], hit: string): void {
  if (seen.length < HITS_PER_PATTERN && !seen.includes(hit)) seen.push(hit);
}

/** An alignment word inside the system prompt (which ends at `systemEnd` of the text): the operator's guardrails, not the request's topic (see domainScores). */
const isGuardrail = (domain: Domain | undefined, at: number, systemEnd: number): boolean => domain === "alignment" && at < systemEnd;

/** Adds the other-script words' distinct hits (see domain-words.ts), capped per domain as the word lists are. */
function countOtherScriptWords(lower: string, raw: DomainScores, systemEnd: number): void {
  const hits = new Map<Exclude<Domain, "chat">, string[]>();
  forEachOtherScriptWord(lower, (word, domain, at) => {
    if (isGuardrail(domain, at, systemEnd)) return;
    let seen = hits.get(domain);
    if (!seen) hits.set(domain, (seen = []));
    addDistinctHit(seen, word);
  });
  for (const [domain, seen] of hits) raw[domain] += seen.length * SPECIFICITY[domain];
  if (QUANTITY_QUESTION.test(lower) && TWO_NUMBERS.test(lower)) raw.reasoning += SPECIFICITY.reasoning;
  if (SCORE_RANGE_IN_POINTS.test(lower)) raw.rubric += SPECIFICITY.rubric;
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

import { accountAgeAt, Evidence, mergeMeta, networkOf, standsAlone, type AccountMeta, type Exchange } from "../core/index.js";
import { COT_HIT, restsOnSystemPrompt } from "./cot.js";
import { DistinctCounter, promptHash32 } from "./distinct.js";
import { DOMAINS, type Domain } from "./domains.js";
import { asksMaxReasoning } from "./params.js";
import type { RequestSignals } from "./signals.js";

const MAX_TRACKED = 512;
const HOUR = 3_600_000;

/**
 * What the account score reads. The hunt's AccountState and the gateway's rolling counters (memory or
 * Redis) both present this, so there is one scoring function for offline and online use.
 */
export interface AccountFeatures {
  readonly exchanges: number;
  readonly firstTs: number;
  readonly meta: AccountMeta;
  readonly cotHits: number;
  readonly topCotMatch: string;
  readonly harnessHits: number;
  readonly styleSum: number;
  readonly singleTurn: number;
  readonly logitRequests: number;
  /** Eliciting requests that re-sent, greedily, a prompt already sent that way (see greedyResendsOf). */
  readonly greedyResends: number;
  readonly distinctSlash24s: number;
  readonly distinctCountries: number;
  readonly distinctAsns: number;
  hourEntropy(): number;
  domainShare(d: Domain): number;
}

/** The UTC hour of a log time, without building a Date per exchange. */
export function utcHour(ts: number): number {
  const h = Math.floor(ts / HOUR) % 24;
  return h < 0 ? h + 24 : h;
}

/** Normalised entropy of activity over the 24 UTC hours: 1 = round the clock, low = a person's day. */
export function hourEntropyOf(hours: ArrayLike<number>, total: number): number {
  let h = 0;
  for (let i = 0; i < hours.length; i++) {
    const n = hours[i] as number;
    if (n === 0) continue;
    const p = n / total;
    h -= p * Math.log(p);
  }
  return h / Math.log(24);
}

/**
 * The reasoning a request asks for as its sender's own: none when an app's system prompt that
 * strangers share (`appPrompt`) alone asks it, since the app chose it, not the user.
 */
export function ownElicitation(s: Pick<RequestSignals, "cotElicitation" | "cotEvidence">, appPrompt: boolean): number {
  return appPrompt && restsOnSystemPrompt(s.cotEvidence) ? 0 : s.cotElicitation;
}

const ALIGNMENT = DOMAINS.indexOf("alignment");
const RUBRIC = DOMAINS.indexOf("rubric");

/** Adds one request's domain scores to counts kept in DOMAINS order. */
function addDomains(counts: Float64Array, domains: RequestSignals["domains"]): void {
  for (let d = 0; d < DOMAINS.length; d++) counts[d] = (counts[d] as number) + domains[DOMAINS[d] as Domain];
}

/** Greedy eliciting requests an account must send before their re-sends are counted. */
const GREEDY_MIN_REQUESTS = 20;
/**
 * The share of them that must be re-sends before any is counted: the counter's error is ~6.5%, so an
 * account whose prompts are all new never reads as re-sending.
 */
const GREEDY_RESEND_SHARE = 0.25;

/**
 * Of `asks` greedy eliciting requests over `prompts` different prompts, how many re-sent one already
 * answered: 0 unless there are enough of them and the re-sends are clearly more than the count's error.
 */
export function greedyResendsOf(asks: number, prompts: DistinctCounter | null): number {
  if (asks < GREEDY_MIN_REQUESTS || prompts === null) return 0;
  const resent = asks - Math.min(asks, Math.round(prompts.estimate()));
  return resent >= asks * GREEDY_RESEND_SHARE ? resent : 0;
}

/** Greedy re-sends pooled over accounts: their counters merged, so one re-running another's items counts. */
export function pooledGreedyResends(accounts: Iterable<AccountState>): number {
  let asks = 0;
  let prompts: DistinctCounter | null = null;
  for (const m of accounts) {
    if (m.greedyPrompts === null) continue;
    asks += m.greedyAsks;
    (prompts ??= new DistinctCounter()).merge(m.greedyPrompts);
  }
  return greedyResendsOf(asks, prompts);
}

/** Sentence frames counted per account (see repeatsSentence). */
const SENTENCES_TRACKED = 8;
/** Requests a sentence must end before it can be an account's habit. */
const SENTENCE_HABIT_REQUESTS = 5;

/** System prompts per account whose hits excusePrompt can take back. */
const PROMPTS_TRACKED = 4;

/** What rests on one system prompt alone (see AccountState.onSystemPrompt). */
export interface PromptHits {
  cot: number;
  /** Of cot, the domain mass per domain (DOMAINS order; see AccountState.askDomainCounts). */
  askDomains: Float64Array;
  harness: number;
  harnessAsks: number;
}

/**
 * Running behavioural state of one account. Bounded: sets stop growing at MAX_TRACKED (the counts
 * that matter saturate long before), so memory is per account, never per exchange.
 */
export class AccountState implements AccountFeatures {
  exchanges = 0;
  firstTs = Infinity;
  lastTs = -Infinity;
  meta: AccountMeta = {};
  cotHits = 0;
  /**
   * Of cotHits, the capability domain mass per domain (DOMAINS order): what the asks for the reasoning
   * were about, which cover traffic beside them does not dilute (see aimedAsks, and a campaign report's
   * domains its asks targeted).
   */
  readonly askDomainCounts = new Float64Array(DOMAINS.length);
  styleSum = 0;
  singleTurn = 0;
  logitRequests = 0;
  /** Greedy one-shot asks for reasoning (see isGreedyAsk in signals.ts), and the different prompts among them (allocated at the first). */
  greedyAsks = 0;
  greedyPrompts: DistinctCounter | null = null;
  /**
   * The different wordings of the asks for the reasoning made in the user's own turn (the strongest
   * such evidence's text), allocated at the first: see rewordsAsks.
   */
  askWordings: DistinctCounter | null = null;
  /** Requests asking for the most reasoning the API gives (see asksMaxReasoning). */
  maxReasoningRequests = 0;
  readonly domainCounts = new Float64Array(DOMAINS.length);
  readonly hours = new Uint32Array(24);
  readonly slash24s = new Set<string>();
  readonly asns = new Set<number>();
  readonly countries = new Set<string>();
  readonly userAgents = new Set<string>();
  readonly tlsFps = new Set<string>();
  /** Requests whose template family is a suspicious cross-account family (set by the cluster level). */
  harnessHits = 0;
  /**
   * Of harnessHits, the requests that themselves asked for the reasoning or for grading, and so joined the
   * family: what a cluster member carries of the harness itself (see hasOwnEvidence in hunt/engine.ts).
   * The rest only touched a family others had joined: a tutoring app sending the benchmark items a ring
   * harvested with its asks sends the items, not the asks.
   */
  harnessAsks = 0;
  /**
   * Per system prompt (by hash), the eliciting and harness requests that rest on it alone: what
   * excusePrompt takes back should the prompt prove to be an app's that strangers share. For at most
   * PROMPTS_TRACKED prompts; past those, such requests count as the account's own (a harness rotating
   * system prompts is not excused).
   */
  readonly onSystemPrompt = new Map<string, PromptHits>();
  /**
   * Requests carrying each of a few sentence frames (see isSentenceFrame), for repeatsSentence. At most
   * SENTENCES_TRACKED: a sentence that ends half of an account's requests is among its first few.
   */
  private readonly sentences = new Map<string, number>();
  /** Exchanges per week index (weeks since the log's first exchange); sparse, one entry per active week. */
  readonly weekly = new Map<number, number>();
  /** Strongest CoT evidence seen, for reasons. */
  topCotMatch = "";

  /** `cot`: the reasoning the request asks for as the account's own (see ownElicitation); by default all the request asks. */
  observe(ex: Exchange, s: RequestSignals, cot = s.cotElicitation): void {
    this.exchanges++;
    if (ex.ts < this.firstTs) this.firstTs = ex.ts;
    if (ex.ts > this.lastTs) this.lastTs = ex.ts;
    this.meta = mergeMeta(this.meta, ex.accountMeta);
    if (cot >= COT_HIT) {
      this.cotHits++;
      addDomains(this.askDomainCounts, s.domains);
      if (s.systemPromptHash !== null && restsOnSystemPrompt(s.cotEvidence)) {
        const hits = this.promptHits(s.systemPromptHash);
        hits.cot++;
        addDomains(hits.askDomains, s.domains);
      }
      if (!this.topCotMatch && s.cotEvidence[0]) this.topCotMatch = s.cotEvidence[0].match;
      const inUserTurn = s.cotEvidence.find((e) => e.where === "user" || e.where === "opening");
      if (inUserTurn) (this.askWordings ??= new DistinctCounter()).add(promptHash32(inUserTurn.match.toLowerCase()));
      if (s.greedyPromptHash !== null) {
        this.greedyAsks++;
        (this.greedyPrompts ??= new DistinctCounter()).add(s.greedyPromptHash);
      }
    }
    this.styleSum += s.extractionStyle;
    if (standsAlone(ex)) this.singleTurn++;
    if (s.params.logitExtraction || s.params.multiSample) this.logitRequests++;
    if (asksMaxReasoning(ex.params)) this.maxReasoningRequests++;
    addDomains(this.domainCounts, s.domains);
    this.hours[utcHour(ex.ts)]! += 1;
    const c = ex.client;
    if (c.ip) {
      if (this.slash24s.size < MAX_TRACKED) this.slash24s.add(networkOf(c.ip));
    }
    if (c.asn !== undefined && this.asns.size < MAX_TRACKED) this.asns.add(c.asn);
    if (c.country && this.countries.size < MAX_TRACKED) this.countries.add(c.country);
    if (c.userAgent && this.userAgents.size < 64) this.userAgents.add(c.userAgent);
    if (c.tlsFp && this.tlsFps.size < 64) this.tlsFps.add(c.tlsFp);
  }

  /**
   * Counts a harness-like request; `systemPromptOnly` when the system prompt's family alone made it one,
   * `asks` when the request itself asked for the reasoning or for grading.
   */
  countHarness(systemPromptOnly: string | null, asks: boolean): void {
    this.harnessHits++;
    if (asks) this.harnessAsks++;
    if (systemPromptOnly === null) return;
    const hits = this.promptHits(systemPromptOnly);
    hits.harness++;
    if (asks) hits.harnessAsks++;
  }

  /**
   * Counts a request carrying `frame` (a sentence frame) and says whether the sentence is the account's
   * habit: in at least SENTENCE_HABIT_REQUESTS requests and half of all it has sent. A harness ends
   * every request with its instruction; a person ends a question "Let's think step by step." now and then.
   */
  repeatsSentence(frame: string): boolean {
    let n = this.sentences.get(frame);
    if (n === undefined) {
      if (this.sentences.size >= SENTENCES_TRACKED) return false;
      n = 0;
    }
    this.sentences.set(frame, ++n);
    return n >= SENTENCE_HABIT_REQUESTS && n * 2 >= this.exchanges;
  }

  /** Takes back the reasoning asks and harness hits that rested on an app's system prompt alone. */
  excusePrompt(systemPromptHash: string): void {
    const hits = this.onSystemPrompt.get(systemPromptHash);
    if (!hits) return;
    this.cotHits -= hits.cot;
    for (let d = 0; d < DOMAINS.length; d++) this.askDomainCounts[d] = (this.askDomainCounts[d] as number) - (hits.askDomains[d] as number);
    this.harnessHits -= hits.harness;
    this.harnessAsks -= hits.harnessAsks;
    this.onSystemPrompt.delete(systemPromptHash);
  }

  private promptHits(systemPromptHash: string): PromptHits {
    let hits = this.onSystemPrompt.get(systemPromptHash);
    if (!hits) {
      hits = { cot: 0, askDomains: new Float64Array(DOMAINS.length), harness: 0, harnessAsks: 0 };
      // Past the cap the counts go nowhere, so they stay the account's own.
      if (this.onSystemPrompt.size < PROMPTS_TRACKED) this.onSystemPrompt.set(systemPromptHash, hits);
    }
    return hits;
  }

  /** Of cotHits, the alignment and rubric domain mass: asks aimed at grading and at policy-sensitive answers (see scoreCluster). */
  get aimedAsks(): number {
    return (this.askDomainCounts[ALIGNMENT] as number) + (this.askDomainCounts[RUBRIC] as number);
  }

  get greedyResends(): number {
    return greedyResendsOf(this.greedyAsks, this.greedyPrompts);
  }

  get distinctSlash24s(): number {
    return this.slash24s.size;
  }
  get distinctCountries(): number {
    return this.countries.size;
  }
  get distinctAsns(): number {
    return this.asns.size;
  }

  hourEntropy(): number {
    return hourEntropyOf(this.hours, this.exchanges);
  }

  domainShare(d: Domain): number {
    return this.exchanges ? (this.domainCounts[DOMAINS.indexOf(d)] as number) / this.exchanges : 0;
  }
}

/** Distinct values over several accounts' sets of them. */
function distinctOver<T>(members: readonly AccountState[], values: (m: AccountState) => ReadonlySet<T>): number {
  const all = new Set<T>();
  for (const m of members) for (const v of values(m)) all.add(v);
  return all.size;
}

/**
 * Several accounts' traffic read as one account's: counts summed, addresses and hours pooled, the
 * account facts of whichever was used first. What a linked group's score pools (scoreCluster), and
 * for one customer's few keys (see customerKeys in cluster/crowd.ts) what scoreAccount judges as it
 * would one account sending it all.
 */
export function pooledAccountFeatures(members: readonly AccountState[]): AccountFeatures {
  let exchanges = 0;
  let cotHits = 0;
  let harnessHits = 0;
  let styleSum = 0;
  let singleTurn = 0;
  let logitRequests = 0;
  let first: AccountState | null = null;
  const hours = new Float64Array(24);
  const domainCounts = new Float64Array(DOMAINS.length);
  for (const m of members) {
    exchanges += m.exchanges;
    cotHits += m.cotHits;
    harnessHits += m.harnessHits;
    styleSum += m.styleSum;
    singleTurn += m.singleTurn;
    logitRequests += m.logitRequests;
    if (first === null || m.firstTs < first.firstTs) first = m;
    for (let h = 0; h < 24; h++) hours[h] = (hours[h] as number) + (m.hours[h] as number);
    for (let d = 0; d < DOMAINS.length; d++) domainCounts[d] = (domainCounts[d] as number) + (m.domainCounts[d] as number);
  }
  return {
    exchanges,
    firstTs: first?.firstTs ?? Infinity,
    meta: first?.meta ?? {},
    cotHits,
    topCotMatch: members.find((m) => m.topCotMatch !== "")?.topCotMatch ?? "",
    harnessHits,
    styleSum,
    singleTurn,
    logitRequests,
    greedyResends: pooledGreedyResends(members),
    // Counted when read: a large group's score reads none of them, and the unions are its size.
    get distinctSlash24s() {
      return distinctOver(members, (m) => m.slash24s);
    },
    get distinctCountries() {
      return distinctOver(members, (m) => m.countries);
    },
    get distinctAsns() {
      return distinctOver(members, (m) => m.asns);
    },
    hourEntropy: () => hourEntropyOf(hours, exchanges),
    domainShare: (d) => (exchanges ? (domainCounts[DOMAINS.indexOf(d)] as number) / exchanges : 0),
  };
}

/** Accounts whose facts claim cover for their behaviour: vetted research, or a verified organisation's. */
export function isCovered(meta: AccountMeta): boolean {
  return meta.program === "research" || isVerifiedOrganisation(meta);
}

const isVerifiedOrganisation = (meta: AccountMeta): boolean => meta.verified === true && typeof meta.org === "string" && meta.org.length > 0;

/**
 * Different wordings of its asks for the reasoning past which an account is rewording them by machine:
 * a harness that paraphrases every ask so that no phrase repeats. People who ask at all use a few
 * (at most 4 in our scenarios and 3 in a generator written outside them), an app's users and its
 * developers up to 16, a lab its benchmark's one or two, our campaigns' templated asks 7–18; a careful
 * hydra whose asks were built afresh from parts used 56–60 each in a month.
 */
export const REWORDED_ASKS_MIN = 30;
/** The account words its asks for the reasoning afresh time after time (see REWORDED_ASKS_MIN). */
export const rewordsAsks = (a: Pick<AccountState, "askWordings">): boolean => (a.askWordings?.estimate() ?? 0) >= REWORDED_ASKS_MIN;

/** Requests an account needs before its addresses can show rotation. */
export const ROTATION_MIN_REQUESTS = 8;
/** Leaves through a different network with most requests. */
export const rotatesPerRequest = (a: Pick<AccountFeatures, "exchanges" | "distinctSlash24s">): boolean =>
  a.exchanges >= ROTATION_MIN_REQUESTS && a.distinctSlash24s / a.exchanges > 0.5;

/**
 * Countries a verified organisation's seat may work from and keep its cover: an app deployed in a few
 * cloud regions leaves through that many; a proxy pool's exits span dozens (25–31 per account in the
 * simulator's broad and agentic campaigns).
 */
const SEAT_MAX_COUNTRIES = 4;
/**
 * Networks' owners (ASNs) a seat that takes a new address with most requests may leave through and
 * keep its cover: serverless functions draw a fresh address per call from one or two cloud providers'
 * pools; a residential proxy pool's exits belong to dozens of ISPs (50–113 per rotating account in the
 * simulator's campaigns). A log without `asn` shows none, and only the countries then count.
 */
const SEAT_MAX_ASNS = 3;

/**
 * Whether an account's cover holds as of its traffic so far. A research programme is the provider's
 * own vetting, and holds. A verified organisation's seat holds while it works as a seat does, from its
 * own networks: identity and an organisation's name are facts a hydra can carry too, and with them on
 * every head (verified, one organisation per card) all 257 of anthropic-2026 0.01 s13's attackers went
 * unflagged, since covered accounts are never flagged on their behaviour. Working from more than
 * SEAT_MAX_COUNTRIES countries, or taking a new network with most requests from more than SEAT_MAX_ASNS
 * owners, is how a proxy pool works, not an office or a deployment; a labelling company's seats grading
 * with the public judge templates (the surgical ring's prompts) keep their cover, as they must.
 */
export function coverHolds(a: Pick<AccountFeatures, "meta" | "exchanges" | "distinctSlash24s" | "distinctCountries" | "distinctAsns">): boolean {
  if (a.meta.program === "research") return true;
  return isVerifiedOrganisation(a.meta) && a.distinctCountries <= SEAT_MAX_COUNTRIES && !(rotatesPerRequest(a) && a.distinctAsns > SEAT_MAX_ASNS);
}

/** Why a verified organisation's cover no longer holds, for the reasons of an account flagged despite it; null while it holds or where none is claimed. */
export function coverLapse(a: Pick<AccountFeatures, "meta" | "exchanges" | "distinctSlash24s" | "distinctCountries" | "distinctAsns">): string | null {
  if (!isCovered(a.meta) || coverHolds(a)) return null;
  return `verified organisation ${a.meta.org ?? ""} not covered: ${a.distinctSlash24s} networks of ${a.distinctAsns} ASNs in ${a.exchanges} requests from ${a.distinctCountries} countries`;
}

/**
 * A new account nobody has vouched for: unverified and under a week old at `at` (an account whose age
 * the log does not state is not new). Softer evidence (a shared prompt, an egress address) counts
 * against these alone: a hydra's heads are bought or opened by the hundred and used at once.
 */
export function isYoungUnverified(meta: AccountMeta, at: number): boolean {
  return meta.verified !== true && accountAgeAt(meta, at) < 7 * 86_400_000;
}

/** Verified, or stated to have been made at least 30 days before `at`: a customer in standing. An unstated age is not. */
export function isEstablishedAt(meta: AccountMeta, at: number): boolean {
  return meta.verified === true || accountAgeAt(meta, at) >= 30 * 86_400_000;
}

/** Established at its first request: a throwaway does not become a customer in standing by lasting a month. */
export const establishedAtStart = (m: AccountState): boolean => isEstablishedAt(m.meta, m.firstTs);

export interface AccountScore {
  score: number;
  reasons: string[];
}

const pct = (x: number): string => x.toFixed(2);

/**
 * Log-odds from a mean extraction-style score (an account's, or a linked group's pooled one). Worth
 * at most +0.75: on prompt sources it was not trained on the model's ROC-AUC is 0.60 (models/README.md,
 * by source), and ordinary prompts written by hand ("Describe the steps of the scientific method")
 * score 0.8–0.97. At 3× (+1.5) it mostly measured how close a log's prompts are to our own corpora:
 * with it at 0, every scenario and seed kept its recall and false positives, and leaked 0–3 points more.
 */
export function styleWeight(meanStyle: number): number {
  return 1.5 * Math.max(0, meanStyle - 0.5);
}
const PRIOR_REQUESTS = 5;

/**
 * Behavioural score of one account from its own traffic. Weights are set by hand from what each
 * signal means, not fitted to the simulator: one strong tell (rotation, elicitation, harness
 * templates) is not enough alone; two together are.
 */
export function scoreAccount(a: AccountFeatures): AccountScore {
  const n = a.exchanges;
  const evidence = new Evidence(-6, 0.5);
  const add = (w: number, why: () => string): void => evidence.add(w, why);
  // Rates are shrunk towards zero by a prior of PRIOR_REQUESTS clean requests: one eliciting request
  // is not an "elicitation rate of 1.00".
  const shrunk = n + PRIOR_REQUESTS;
  // A greedy re-send of a prompt already answered gets the same answer: it harvests nothing, so it is
  // not counted as asking (nor as a harness's request). An evaluation lab re-running its benchmark
  // setting after setting, in a published template with the stock trigger, sent the same few hundred
  // asks six times over and was flagged on the count.
  const resent = a.greedyResends;
  const cotHits = Math.max(0, a.cotHits - resent);
  const harnessHits = Math.max(0, a.harnessHits - resent);
  const notCounted = resent > 0 ? `; ${resent} greedy re-sends of prompts already answered not counted` : "";
  add(4.5 * (cotHits / shrunk), () => `cot_elicitation_rate ${pct(cotHits / n)} (${cotHits} of ${n} requests${a.topCotMatch ? `, e.g. "${a.topCotMatch.slice(0, 60)}"` : ""}${notCounted})`);
  add(3.5 * (harnessHits / shrunk), () => `harness_template_share ${pct(harnessHits / n)} (${harnessHits} of ${n} requests use templates shared across accounts${notCounted})`);
  const style = a.styleSum / n;
  add(styleWeight(style), () => `extraction_style_mean ${pct(style)}`);
  if (n >= 8) {
    const rotation = Math.min(1, a.distinctSlash24s / n);
    add(3.5 * Math.max(0, rotation - 0.2) / 0.8, () => `ip_rotation ${a.distinctSlash24s} distinct /24s in ${n} requests across ${a.distinctCountries} countries, ${a.distinctAsns} ASNs`);
    add(Math.min(1.5, Math.max(0, a.distinctCountries - 2) * 0.25), () => `countries ${a.distinctCountries}`);
  }
  if (n >= 48) {
    const flat = a.hourEntropy();
    add(flat > 0.93 ? 1.2 : 0, () => `round_the_clock activity (hour entropy ${pct(flat)})`);
  }
  const sensitive = a.domainShare("alignment") + a.domainShare("rubric");
  add(2 * Math.max(0, sensitive - 0.2), () => `alignment_and_rubric_share ${pct(sensitive)}`);
  const logit = a.logitRequests / n;
  add(2 * logit, () => `logprob_or_multisample_share ${pct(logit)}`);
  const ageAtFirstUse = accountAgeAt(a.meta, a.firstTs);
  if (a.meta.verified !== true && ageAtFirstUse < 24 * HOUR) add(0.6, () => `unverified, first use ${(ageAtFirstUse / HOUR).toFixed(1)}h after creation`);
  const single = a.singleTurn / n;
  if (n >= 20) add(single > 0.95 ? 0.6 : 0, () => `single_turn_share ${pct(single)}`);
  return evidence.result(5);
}

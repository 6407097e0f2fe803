import { accountAgeAt } from "../core/index.js";
import { pooledGreedyResends, rotatesPerRequest, type AccountState } from "../detect/account.js";
import { CROWD_CAP, identifierBits, isFamily, MIN_HARD_ID_BITS, type LinkKey } from "./links.js";
import { isThrowaway } from "./score.js";
import { IndexUnionFind } from "./union-find.js";

/**
 * A group smaller than this is not treated as a prompt's crowd: its shared prompt says more, and the
 * rings this must not excuse (a careful ring of a dozen aged accounts) are of that size.
 */
export const PROMPT_CROWD_MIN_ACCOUNTS = 5;
/** The share of a group one prompt family must cover to be what holds the group together. */
const CROWD_FAMILY_SHARE = 0.8;
/** Without that family, no piece of the group tied by anything else may reach this share of it. */
const CROWD_PIECE_SHARE = 0.5;
/** From this share of throwaway or rotating members on, a group is not strangers, whatever holds it together. */
const CROWD_THROWAWAY_SHARE = 0.5;

export interface PromptCrowd {
  /** The family (a system prompt or a template) that alone holds the group together. */
  family: LinkKey;
  /** The largest piece of the group that stays tied without that family, as a share of the group. */
  largestPiece: number;
}

/**
 * Whether a linked group is strangers held together by one prompt family alone: one system prompt or
 * template covers nearly all of it; without that family it falls apart into pieces (a family plan's
 * card, two neighbours behind a carrier's address, a popular prompt's frame) none of which is half of
 * it; and fewer than half of its accounts are throwaway or rotate their address per request.
 *
 * That is what the users of one app look like when each brings their own API key (a coding agent, a
 * tutoring app, a copied "think step by step" system prompt): the prompt is the app's choice, and its
 * users are strangers. A harness's accounts share more than one prompt (its frames, its templates,
 * its several system prompts) or share infrastructure, so they stay tied when any one family is
 * taken away, or run accounts made for the job. What is left is a ring of aged accounts with an
 * address and a card each, sharing one prompt and nothing else: the app's users, as far as a log can
 * tell. Why this matters: pooled over such a group, the app's eliciting system prompt reads as
 * every member eliciting reasoning on every request, round the clock: 101 of 516 ordinary users were
 * flagged as one ring when a fifth of them used one app whose system prompt asked for step-by-step
 * reasoning.
 */
export function promptCrowd(accounts: readonly string[], states: readonly AccountState[], links: readonly LinkKey[]): PromptCrowd | null {
  const k = accounts.length;
  if (k < PROMPT_CROWD_MIN_ACCOUNTS) return null;
  const inGroup = new Set(accounts);
  let family: LinkKey | null = null;
  let covered = 0;
  for (const l of links) {
    if (!isFamily(l.kind)) continue;
    let inside = 0;
    for (const m of l.members) if (inGroup.has(m)) inside++;
    if (inside > covered) {
      covered = inside;
      family = l;
    }
  }
  if (family === null || covered < CROWD_FAMILY_SHARE * k) return null;
  const largestPiece = largestTiedPiece(accounts, links, family) / k;
  if (largestPiece >= CROWD_PIECE_SHARE) return null;
  const throwaway = states.filter(isThrowaway).length;
  const rotating = states.filter(rotatesPerRequest).length;
  return throwaway < CROWD_THROWAWAY_SHARE * k && rotating < CROWD_THROWAWAY_SHARE * k ? { family, largestPiece } : null;
}

/** The most accounts one team working in the open has (a lab, a company's few keys); a hydra's are many. */
export const OPEN_TEAM_MAX = 6;
/** The most accounts a group of such teams, and the neighbours they meet, has. */
export const OPEN_GROUP_MAX = 12;
const ESTABLISHED_MS = 30 * 86_400_000;
/** Links that are what a client did across accounts, which no team working in the open needs to do. */
const ROTATION_KINDS: ReadonlySet<LinkKey["kind"]> = new Set(["conversation", "conversation_pool", "co_activity"]);

/** Made at least a month before its first use; an account whose age the log does not state is not. */
const isEstablished = (m: AccountState): boolean => accountAgeAt(m.meta, m.firstTs) >= ESTABLISHED_MS;
/** Working from its own few addresses: not rotating per request, not spread over more than two countries. */
const staysPut = (m: AccountState): boolean => !rotatesPerRequest(m) && m.countries.size <= 2;

/** What a team in the open declares alike: the card it pays with (one long enough to be proof, see MIN_HARD_ID_BITS), the organisation it names. */
function teamMarks(m: AccountState): string[] {
  const marks: string[] = [];
  const card = m.meta.paymentFp;
  if (card !== undefined && identifierBits(card) >= MIN_HARD_ID_BITS) marks.push(`card ${card}`);
  if (m.meta.org) marks.push(`org ${m.meta.org}`);
  return marks;
}

/**
 * Which of `states` (by index) are in a team working in the open: two to OPEN_TEAM_MAX of them sharing
 * a card or naming one organisation, each established and staying put. Null when accounts tied that
 * way are more than a team, or one of them was made for the job or moves about: then they are not a
 * team in the open, whatever else is.
 */
function inOpenTeams(states: readonly AccountState[]): Set<number> | null {
  const byMark = new Map<string, number[]>();
  states.forEach((m, i) => {
    for (const mark of teamMarks(m)) {
      const holders = byMark.get(mark);
      if (holders) holders.push(i);
      else byMark.set(mark, [i]);
    }
  });
  const tied = new IndexUnionFind(states.length);
  for (const holders of byMark.values()) for (const i of holders) tied.union(holders[0] as number, i);
  const inTeams = new Set<number>();
  for (const piece of tied.sets().values()) {
    if (piece.length < 2) continue;
    if (piece.length > OPEN_TEAM_MAX || !piece.every((i) => isEstablished(states[i] as AccountState) && staysPut(states[i] as AccountState))) return null;
    for (const i of piece) inTeams.add(i);
  }
  return inTeams;
}

/**
 * Whether a linked group is small teams working in the open: at most OPEN_GROUP_MAX accounts, none
 * rotating its address or spread over more than two countries, nothing a client does across accounts
 * between them (conversations handed on, lockstep), and at least half of them in teams (see
 * inOpenTeams), not counting the neighbours they only meet at an address (a carrier's NAT behind which
 * a student lives). The rest may be anyone the teams meet: a researcher on their own sending the same
 * published template. A lab's students on the lab's card, two labs running one public benchmark
 * template, a company's few keys. A hydra's heads hide what they share (a careful ring's accounts, each
 * with its own card and address, are tied by their prompts, not in the open), or are made for the job,
 * or rotate, or are many. The shape is cheap to put on (aged accounts, a card per three), so the score
 * excuses it only beside an evaluation's re-runs (see scoreCluster).
 */
export function openTeams(accounts: readonly string[], states: readonly AccountState[], links: readonly LinkKey[]): boolean {
  const k = accounts.length;
  if (k < 2 || k > OPEN_GROUP_MAX || !states.every(staysPut)) return false;
  const inGroup = new Set(accounts);
  // Accounts the group meets only at an address (a carrier's NAT, a campus network) are its
  // neighbours, not its members: they do not count against the teams' half.
  const tiedBeyondAddress = new Set<string>();
  for (const l of links) {
    let inside = 0;
    for (const m of l.members) if (inGroup.has(m)) inside++;
    if (inside < 2) continue;
    if (ROTATION_KINDS.has(l.kind)) return false;
    if (l.kind !== "ip_day") for (const m of l.members) if (inGroup.has(m)) tiedBeyondAddress.add(m);
  }
  const inTeams = inOpenTeams(states);
  if (inTeams === null || inTeams.size < 2) return false;
  const neighbours = accounts.filter((a, i) => !inTeams.has(i) && !tiedBeyondAddress.has(a)).length;
  return inTeams.size * 2 >= k - neighbours;
}

/** The most accounts one customer keeps under its own email, card or phone: production, staging, a developer's own. */
export const ONE_CUSTOMER_MAX = 3;
/**
 * The most seats of one organisation read as one customer: a company's staff, each on an account of
 * its own in the company's organisation. As many as a card may hold before it is a crowd (CROWD_CAP),
 * far under a hydra's thousands of heads; it bounds what a harvester that puts its accounts in one
 * organisation, where one ban takes them all, is judged to be (one account's traffic). At 100, the
 * analytics assistant's 87 users among a company's 300 seats were a flagged cluster (0.99).
 */
export const ONE_ORG_MAX = CROWD_CAP.payment_fp;
/** The share of a customer's asks for reasoning its own system prompts or template must carry (see ownAppPrompts). */
const OWN_APP_PROMPT_SHARE = 0.8;

/** What one customer's accounts may all hold: an email, card or phone, or the organisation they are seats of. */
export type OwnerKind = "payment_fp" | "email_hash" | "phone_hash" | "org";
/** Every account holding an owner fact, as the hunt has seen them (`undefined`: none). */
export type HoldersLookup = (kind: OwnerKind, value: string) => ReadonlySet<string> | undefined;

/** Two to ONE_ORG_MAX accounts, each made a month or more before its first use and staying put: the shape of one customer's keys or seats. */
const steadyKeys = (states: readonly AccountState[]): boolean =>
  states.length >= 2 && states.length <= ONE_ORG_MAX && states.every((m) => isEstablished(m) && staysPut(m));

const OWNER_FACTS: ReadonlyArray<readonly [OwnerKind, (m: AccountState) => string | undefined, number]> = [
  ["payment_fp", (m) => m.meta.paymentFp, ONE_CUSTOMER_MAX],
  ["email_hash", (m) => m.meta.emailHash, ONE_CUSTOMER_MAX],
  ["phone_hash", (m) => m.meta.phoneHash, ONE_CUSTOMER_MAX],
  ["org", (m) => m.meta.org || undefined, ONE_ORG_MAX],
];

/**
 * Every holder of the owner fact all of `states` share, by their own facts: an email, card or phone
 * (long enough to be proof) no more than ONE_CUSTOMER_MAX accounts hold, or an organisation no more
 * than ONE_ORG_MAX accounts are seats of; null if none. Read from the members' facts, not from the
 * links Louvain put in their community: a key lands in one community, and a company's card sat beside
 * the seats that did not use its assistant. Eight staff of an unverified company, each on a seat of its
 * own in the company's organisation, using the company's analytics assistant (a system prompt asking
 * for the reasoning step by step), were a flagged cluster (0.81) on their first morning.
 */
function ownerHolders(states: readonly AccountState[], holdersOf: HoldersLookup): ReadonlySet<string> | null {
  const first = states[0];
  if (!first) return null;
  for (const [kind, of, most] of OWNER_FACTS) {
    const value = of(first);
    if (value === undefined || (kind !== "org" && identifierBits(value) < MIN_HARD_ID_BITS) || !states.every((m) => of(m) === value)) continue;
    const holders = holdersOf(kind, value);
    const n = holders?.size ?? 0;
    if (holders && n >= states.length && n <= most) return holders;
  }
  return null;
}

/**
 * A linked group that is one customer's keys or seats: all hold one email, card or phone that at most
 * ONE_CUSTOMER_MAX accounts hold, or are seats of one organisation of at most ONE_ORG_MAX (see
 * ownerHolders); each is made a month or more before its first use and stays put; and nothing a client
 * does across accounts is between them (conversations handed on, lockstep). Returns every holder (Louvain
 * may leave some of them in another group), or null. What holds for the group's lifetime; what it asks is
 * read when it is scored (ownAppPrompts).
 */
export function customerKeys(accounts: readonly string[], states: readonly AccountState[], links: readonly LinkKey[], holdersOf: HoldersLookup): ReadonlySet<string> | null {
  if (!steadyKeys(states)) return null;
  const inGroup = new Set(accounts);
  for (const l of links) {
    if (!ROTATION_KINDS.has(l.kind)) continue;
    let inside = 0;
    for (const m of l.members) if (inGroup.has(m)) inside++;
    if (inside >= 2) return null;
  }
  return ownerHolders(states, holdersOf);
}

/**
 * Whether accounts are one customer's keys or seats as their own facts say (a prompt family's senders,
 * see the hunt engine): each established and staying put, all holding one owner fact (see ownerHolders).
 * Such a family is one app's prompt or question forms sent from its own keys, not a template shared
 * across accounts: with a third key, a tutoring app's every request read as harness-like and each key was
 * flagged on its own (cot 1.00 and harness 1.00). Its asks still count, and a group whose asks are in its
 * users' words is still scored as a group (ownAppPrompts).
 */
export function keysOfOneCustomer(states: readonly AccountState[], holdersOf: HoldersLookup): boolean {
  return steadyKeys(states) && ownerHolders(states, holdersOf) !== null;
}

/**
 * The app's own instruction a customer's asks for reasoning rest on, when it is not its users' words: 80%
 * or more of its asks (and some at all) rest on system prompts that nobody but the customer's keys
 * (`holders`, see customerKeys) sends, or are carried by one template (the app's instruction around its
 * users' questions) that nobody but those keys sends. Returns those system prompts (empty for a template),
 * or null. Such a group is judged as one account sending all of it, the harness-like hits its own prompts
 * made taken back (scoreCluster). A tutoring app's production and staging keys on the founder's email and
 * card, whose system prompt asks for the reasoning step by step on every request, were a flagged cluster
 * (0.99) on their first day, where one key sending all of it scores 0.24: a rate is one sign, and an
 * account needs two. A ring's cells are not read so: its templates and prompts cross its cells, so none
 * is one cell's own. Judging any such group as one account, whatever carried its asks, lost two of
 * fifteen accounts of a careful ring put onto aged accounts sharing a card three by three (every request
 * at temperature 0; leaked 1.87% → 15.16%). `families`: the prompt families the group's members are in;
 * `systemPrompt` finds a system prompt's family key by its hash.
 */
export function ownAppPrompts(holders: ReadonlySet<string>, states: readonly AccountState[], families: Iterable<LinkKey>, systemPrompt: (hash: string) => LinkKey | undefined): ReadonlySet<string> | null {
  let asks = 0;
  let onPrompts = 0;
  const prompts = new Set<string>();
  for (const m of states) {
    asks += m.cotHits;
    for (const [hash, hits] of m.onSystemPrompt) {
      onPrompts += hits.cot;
      if (hits.cot > 0) prompts.add(hash);
    }
  }
  // A group that asks for nothing is scored as a group: this reading is for an app's instruction only.
  if (asks === 0) return null;
  const onlyHolders = (l: LinkKey): boolean => [...l.members].every((m) => holders.has(m));
  if (onPrompts >= OWN_APP_PROMPT_SHARE * asks) {
    // Every sender of each prompt, wherever Louvain put its key: a community holds only some keys, and a
    // prompt's key left in another community said nothing of who else sends it.
    for (const hash of prompts) {
      const k = systemPrompt(hash);
      if (k !== undefined && !onlyHolders(k)) return null;
    }
    return prompts;
  }
  for (const f of families) if (f.kind === "template" && f.cotHits >= OWN_APP_PROMPT_SHARE * asks && onlyHolders(f)) return new Set();
  return null;
}

/**
 * Whether the accounts sending a prompt family are teams in the open (see openTeams), all staying put,
 * that re-run what they asked greedily (see pooledGreedyResends): an evaluation's template, its own or
 * a published one, not a harness shared across accounts that hide being one. A lab's student, running
 * the benchmark in the template the lab mates had sent, was flagged for it. Without the re-runs a
 * ring on aged accounts sharing cards three by three would pass (see scoreCluster).
 */
export function teamsFamily(members: readonly AccountState[]): boolean {
  if (members.length > OPEN_GROUP_MAX || !members.every(staysPut)) return false;
  const inTeams = inOpenTeams(members);
  return inTeams !== null && inTeams.size >= 2 && inTeams.size * 2 >= members.length && pooledGreedyResends(members) > 0;
}

/**
 * The size of the largest set of accounts tied to each other by the group's links other than `without`.
 * Union-find, not graphology's component helpers: those would need a second graph built per group, and
 * this runs only when Louvain reshapes communities.
 */
function largestTiedPiece(accounts: readonly string[], links: readonly LinkKey[], without: LinkKey): number {
  const index = new Map(accounts.map((a, i) => [a, i]));
  const tied = new IndexUnionFind(accounts.length);
  for (const l of links) {
    if (l === without) continue;
    let first: number | null = null;
    for (const m of l.members) {
      const i = index.get(m);
      if (i === undefined) continue;
      if (first === null) first = i;
      else tied.union(first, i);
    }
  }
  let largest = 0;
  for (const piece of tied.sets().values()) largest = Math.max(largest, piece.length);
  return largest;
}

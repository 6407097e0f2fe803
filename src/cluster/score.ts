import { accountAgeAt, Evidence, knownUnverified } from "../core/index.js";
import { coverHolds, pooledAccountFeatures, REWORDED_ASKS_MIN, rewordsAsks, ROTATION_MIN_REQUESTS, rotatesPerRequest, scoreAccount, styleWeight, type AccountState } from "../detect/account.js";
import type { PromptCrowd } from "./crowd.js";
import type { LinkKey } from "./links.js";
import { MIN_SYNC_GROUP } from "./timing.js";

export interface ClusterScore {
  score: number;
  reasons: string[];
}

const HOUR = 3_600_000;
/** The most a group made only of programme accounts scores: below any flagging threshold in use. */
const PROGRAMME_GROUP_CAP = 0.5;
/** The most an app's users, held together by its prompt alone, score (see promptCrowd): below any flagging threshold too. */
const PROMPT_CROWD_CAP = 0.5;
/** The most small teams in the open score on their pooled behaviour (see openTeams). */
const OPEN_TEAM_CAP = 0.5;
/** The most a group scores when only its network ties it to harvesting (see MIN_HARVEST_EVIDENCE). */
const NETWORK_ONLY_CAP = 0.5;
/**
 * Log-odds a group's own doings (what it asked for and how, its harness, its made-for-the-job accounts,
 * lockstep, conversations handed on) must add before its network counts against it, about 3.5 to one:
 * asks for the reasoning in a sixth of its requests with nothing else, or five in six of its accounts
 * throwaways. At 1.0 a popular client's new users and VPN users grouped by its tool sets (doings 0.97)
 * were flagged again, 102 of 240; at 1.5 a hydra on aged accounts asking in a tenth of its requests was
 * caught 78 of 100 and after 62% of its traffic, at 1.25 84 of 100 after 52% (without the gate 94, 23%).
 */
const MIN_HARVEST_EVIDENCE = 1.25;
/** Pooled eliciting requests before what they are aimed at counts: a harvest's volume (see harvestVolumeWeight), not a class's few. */
const AIMED_ASKS_MIN = 100;
const AIMED_ASKS_HABIT = 0.4;
const AIMED_ASKS_WEIGHT = 2;

/** Unverified and first used within 72 hours of being created: an account made for the job. */
export const isThrowaway = (m: AccountState): boolean => m.meta.verified !== true && accountAgeAt(m.meta, m.firstTs) < 72 * HOUR;

/** Share of a member's requests asking for the most reasoning past which it is a pipeline's setting, not a person's habit. */
const FLEET_MAX_REASONING_SHARE = 0.9;
/** Members judged (those with the requests rotatesPerRequest needs) a group needs before it can be read as a fleet. */
const FLEET_MIN_JUDGED = 5;
/** Share of the judged members running the fleet way (see runsFleetWay) for the group to be a fleet. */
const FLEET_MIN_SHARE = 0.8;

/**
 * An account made for the job and driven by a pipeline: a throwaway, leaving through a new network with
 * most requests, asking for the most reasoning on nearly every one. Each habit alone is anyone's (a VPN
 * hands out a new exit per request, apps set reasoning effort high for all their users, people sign up
 * the day they start); all three at once, in an account first used within days of its making, are a fleet's.
 */
export const runsFleetWay = (m: AccountState): boolean =>
  isThrowaway(m) && rotatesPerRequest(m) && m.maxReasoningRequests >= FLEET_MAX_REASONING_SHARE * m.exchanges;

/**
 * Whether a group is a fleet: of its members with enough requests to judge (see rotatesPerRequest), at least
 * FLEET_MIN_JUDGED and FLEET_MIN_SHARE of them run the fleet way. A VPN's users that Louvain grouped by the exits
 * they meet at are mostly established accounts: some new ones with an app that asks for the most reasoning
 * among them do not make the group a fleet.
 */
export function isFleet(members: readonly AccountState[]): boolean {
  let judged = 0;
  let fleetWay = 0;
  for (const m of members) {
    if (m.exchanges < ROTATION_MIN_REQUESTS) continue;
    judged++;
    if (runsFleetWay(m)) fleetWay++;
  }
  return judged >= FLEET_MIN_JUDGED && fleetWay >= FLEET_MIN_SHARE * judged;
}

export interface GroupFacts {
  /** Members flagged on evidence other than this group's score. */
  alreadyFlagged?: number;
  /** The largest share of the members sending one of the group's own tool-schema sets (see groupHarnesses). */
  harnessShare?: number;
  /** The one prompt family that alone holds the group together, if so (see promptCrowd). */
  promptCrowd?: PromptCrowd | null;
  /** The group is small teams working in the open (see openTeams). */
  openTeams?: boolean;
  /** Members working in lockstep with at least two others of the group (see lockstepMembers). */
  lockstep?: number;
  /** The group's own eliciting templates (see ownElicitingTemplates). */
  ownTemplates?: OwnTemplates;
  /** The group is one customer's app on its few keys or its organisation's seats, its asks resting on these system prompts of its own (see customerKeys and ownAppPrompts): judged as one account. */
  appPrompts?: ReadonlySet<string> | null;
}

/** More accounts than one team (see OPEN_TEAM_MAX in crowd.ts): a lab shares its own benchmark's format among its 2–6 students. */
const OWN_TEMPLATE_MIN_SENDERS = 7;

/** A group's own eliciting templates (see ownElicitingTemplates). */
export interface OwnTemplates {
  /** The share of the group's members that send one. */
  readonly share: number;
  /** How many such template families the group has. */
  readonly families: number;
  /** The families themselves, whose members sent the group's own asks. */
  readonly keys: readonly LinkKey[];
  /** Eliciting requests of the same ring's accounts outside the group (its other pieces, see ownElicitingTemplates): part of the harvest the group's own are. */
  readonly kinAsks: number;
}

const NO_OWN_TEMPLATES: OwnTemplates = { share: 0, families: 0, keys: [], kinAsks: 0 };

/** An eliciting template family a ring may call its own: not a crowd, most of its requests asking for the reasoning, nearly all from the accounts it holds. */
const isElicitingFamily = (l: LinkKey): boolean => l.kind === "template" && !l.crowd && l.cotHits >= 0.5 * l.requests && l.memberShare >= 0.9;
/**
 * Other eliciting families a sender outside the group must share with it to count as the same ring's: a
 * harness rotates its asks round its items, and its accounts meet in a score of families. At two, forty
 * people behind one VPN typing the same four stock asks now and then (an engine test) were each other's
 * ring and flagged.
 */
const KIN_SHARED_FAMILIES = 4;
/** The most senders a family may have for its outside ones to be looked at one by one (a fragment's family is a ring's, not a benchmark's). */
const KIN_FAMILY_MAX = 200;

/** How a group's members and the accounts around it are looked up, for families whose senders the group only partly holds. */
export interface FamilyLookup {
  /** The prompt families an account is held in. */
  familiesOf(account: string): Iterable<LinkKey>;
  /** Whether an account asks for the reasoning more than a person's habit explains (see beyondHabitInOwnFrames). */
  elicits(account: string): boolean;
  /** An account's eliciting requests. */
  asks(account: string): number;
}

/**
 * A group's own eliciting templates: template families each sent by at least OWN_TEMPLATE_MIN_SENDERS
 * of its members, by hardly anyone outside (≥ 90% of its senders and of its requests theirs), most of
 * whose requests ask for the reasoning. A ring's harness frames its items its own way, and the frame
 * stays in its requests however much ordinary traffic it mixes in beside them; a rate does not (the
 * careful ring with an ordinary prompt after each ask was flagged only after two thirds of its asks).
 * A public template (a benchmark's, a judge's) has senders outside any one group.
 *
 * With `lookup`, a family the group holds only part of counts too when its senders outside the group
 * are the same ring's: each asks for the reasoning beyond a person's habit and sends KIN_SHARED_FAMILIES
 * or more other eliciting families the group's members send. Louvain cuts a ring tied by its prompts alone into pieces
 * (twenty aged accounts, each on its own card, sending four asks round four item templates, came out as
 * communities of 5, 7 and 8), and each piece held under 90% of the families the whole ring sends. A
 * public template's other senders (a lab running the benchmark) share no other family with the ring;
 * people who sent a ring's items, with no ask beyond the habit, are not counted on either side.
 */
export function ownElicitingTemplates(links: Iterable<LinkKey>, members: ReadonlySet<string>, lookup?: FamilyLookup): OwnTemplates {
  if (members.size === 0) return NO_OWN_TEMPLATES;
  const senders = new Set<string>();
  const keys: LinkKey[] = [];
  const kinOfOwn = new Set<string>();
  const candidates = new Set<LinkKey>();
  for (const l of links) if (isElicitingFamily(l) && l.members.size >= OWN_TEMPLATE_MIN_SENDERS) candidates.add(l);
  for (const l of candidates) {
    const inside: string[] = [];
    for (const m of l.members) if (members.has(m)) inside.push(m);
    if (inside.length >= OWN_TEMPLATE_MIN_SENDERS && inside.length >= 0.9 * l.members.size) {
      keys.push(l);
      for (const m of inside) senders.add(m);
      continue;
    }
    if (!lookup || l.members.size > KIN_FAMILY_MAX) continue;
    const asking = inside.filter((m) => lookup.elicits(m));
    if (asking.length < 2) continue;
    const kin: string[] = [];
    for (const o of l.members) {
      if (members.has(o) || !lookup.elicits(o)) continue;
      let shared = 0;
      for (const g of lookup.familiesOf(o)) if (g !== l && candidates.has(g) && ++shared >= KIN_SHARED_FAMILIES) break;
      if (shared >= KIN_SHARED_FAMILIES) kin.push(o);
    }
    const ring = asking.length + kin.length;
    if (ring < OWN_TEMPLATE_MIN_SENDERS || ring < 0.9 * l.members.size) continue;
    keys.push(l);
    for (const m of asking) senders.add(m);
    for (const o of kin) kinOfOwn.add(o);
  }
  let kinAsks = 0;
  if (lookup) for (const o of kinOfOwn) kinAsks += lookup.asks(o);
  return { share: senders.size / members.size, families: keys.length, keys, kinAsks };
}

/**
 * Log-odds per unit of share for a group's own eliciting templates: 1 for one, up to 2 for sixteen or
 * more. An app that words one instruction its own way into its users' turns has one or two such
 * families; a harness rotating ten asks of its own has a score of them. A careful hydra of 40 aged
 * accounts on their own cards and home addresses, a sixth of whose requests carried one of ten such
 * asks, was grouped with nine of the people who sent its cover prompts and scored 0.798 with the one
 * weight for all.
 */
export function ownTemplatesWeight(families: number): number {
  return Math.min(2, 1 + 0.25 * Math.log2(Math.max(1, families)));
}

/**
 * Members of a group in one of its lockstep groups (co_activity keys) together with at least two
 * others of it: Louvain may place one of a week's lockstep group apart from the rest, and a pair
 * is two colleagues as easily as a fleet.
 */
export function lockstepMembers(links: readonly LinkKey[], members: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const k of links) {
    if (k.kind !== "co_activity") continue;
    const inside: string[] = [];
    for (const m of k.members) if (members.has(m)) inside.push(m);
    if (inside.length >= MIN_SYNC_GROUP) for (const m of inside) out.add(m);
  }
  return out;
}

/** Past this share of a tool-schema set's senders inside one group, the set is that group's own harness. */
const HARNESS_EXCLUSIVE_SHARE = 0.8;
/** Groups smaller than this share a tool set the way one developer's few accounts do: not a harness fleet. */
const HARNESS_MIN_GROUP = 5;
/** A group's own harness that at least this share of it sends is what the group as a whole runs. */
export const HARNESS_FLEET_SHARE = 0.5;
/** From this share of established senders inside the group on, a tool set is a client its customers run, not a harness. */
const HARNESS_MAX_ESTABLISHED = 0.5;

/**
 * Tool-schema sets that are a group's own (at least HARNESS_EXCLUSIVE_SHARE of everyone sending one
 * is in the group, fewer than HARNESS_MAX_ESTABLISHED of those inside `established`), each with the
 * share of the group sending it: one agent harness run from many accounts. A popular framework's
 * default tools are sent by strangers outside any one group, so they are not a group's own; nor is a
 * coding client's set where its users are all there are in the log, since the key links them into one
 * group by itself: they are customers in standing, verified or months old, where a fleet's accounts
 * are made for the job (a VPN's users of three such clients, grouped by their sets and the exits they
 * met at, were flagged 200 of 200 when each client's set counted as the group's harness). None for
 * groups under HARNESS_MIN_GROUP.
 */
export function groupHarnesses(links: readonly LinkKey[], members: ReadonlySet<string>, established: ReadonlySet<string>): Array<{ key: LinkKey; share: number }> {
  if (members.size < HARNESS_MIN_GROUP) return [];
  const out: Array<{ key: LinkKey; share: number }> = [];
  for (const key of links) {
    if (key.kind !== "tool_schema") continue;
    let inside = 0;
    let customers = 0;
    for (const m of key.members) {
      if (!members.has(m)) continue;
      inside++;
      if (established.has(m)) customers++;
    }
    if (inside / key.members.size >= HARNESS_EXCLUSIVE_SHARE && customers < HARNESS_MAX_ESTABLISHED * inside) out.push({ key, share: inside / members.size });
  }
  return out;
}

/** Log-odds from a group's count of eliciting requests: nothing up to 100, +0.25 per doubling after, at most +1.5. */
export function harvestVolumeWeight(elicitingRequests: number): number {
  return elicitingRequests > 100 ? Math.min(1.5, 0.25 * Math.log2(elicitingRequests / 100)) : 0;
}

/**
 * Scores a linked group on the pooled evidence of its members: a hydra's accounts each look small,
 * but together they show the harness (elicitation, shared templates), the infrastructure (rotation,
 * shared cards), the throwaway accounts (unverified, first used within days of being created) and a fleet's habits
 * (maximum reasoning on every call, one agent harness of its own). `facts.alreadyFlagged`: members
 * flagged on evidence other than this group's score (their own, a flagged campaign's template or
 * card, shared intel).
 */
export function scoreCluster(members: readonly AccountState[], links: readonly LinkKey[], facts: GroupFacts = {}): ClusterScore {
  const pooled = pooledAccountFeatures(members);
  if (facts.appPrompts) {
    // The app's own prompt, sent from each of its keys, is no template shared across accounts.
    let onOwnPrompts = 0;
    for (const m of members) for (const h of facts.appPrompts) onOwnPrompts += m.onSystemPrompt.get(h)?.harness ?? 0;
    const one = scoreAccount({ ...pooled, harnessHits: Math.max(0, pooled.harnessHits - onOwnPrompts) });
    // A programme's accounts are not acted on for their behaviour, here as below.
    const score = members.every(coverHolds) ? Math.min(one.score, PROGRAMME_GROUP_CAP) : one.score;
    return { score, reasons: [`${members.length} accounts of one customer (one email, card or phone only they hold, or seats of one organisation; established, none rotating): judged as one account sending all of it`, ...one.reasons] };
  }
  const alreadyFlagged = facts.alreadyFlagged ?? 0;
  const harnessShare = facts.harnessShare ?? 0;
  const n = pooled.exchanges;
  const style = pooled.styleSum;
  const logit = pooled.logitRequests;
  let maxReasoning = 0;
  let sensitive = 0;
  let rotating = 0;
  let young = 0;
  let unverified = 0;
  let covered = 0;
  let rewording = 0;
  let aimed = 0;
  for (const m of members) {
    if (rewordsAsks(m)) rewording++;
    aimed += m.aimedAsks;
    maxReasoning += m.maxReasoningRequests;
    sensitive += (m.domainShare("alignment") + m.domainShare("rubric")) * m.exchanges;
    if (rotatesPerRequest(m)) rotating++;
    if (isThrowaway(m)) young++;
    if (knownUnverified(m.meta)) unverified++;
    if (coverHolds(m)) covered++;
  }
  const k = members.length;
  const evidence = new Evidence(-5.5, 0.4);
  const add = (w: number, why: () => string): void => evidence.add(w, why);
  // What the group did, as against the network it did it from (rotation, shared exits, round-the-clock
  // hours, unverified accounts, its size): see MIN_HARVEST_EVIDENCE. Not counted here, though scored:
  // maximum reasoning (apps set it for all their users; a fleet's habit shows in its throwaway accounts)
  // and members already flagged (in a crowd behind shared exits, flags spread as egress taints).
  let harvest = 0;
  const addHarvest = (w: number, why: () => string): void => {
    harvest += w;
    evidence.add(w, why);
  };
  // Greedy re-sends of prompts any member already had answered harvest nothing (see scoreAccount):
  // a lab's students re-running one benchmark between them are one evaluation, not a ring's volume.
  const resent = pooled.greedyResends;
  const cot = Math.max(0, pooled.cotHits - resent);
  const harness = Math.max(0, pooled.harnessHits - resent);
  const notCounted = resent > 0 ? ` (${resent} greedy re-sends of prompts already answered not counted)` : "";
  // Organic traffic elicits reasoning in ~1% of requests; a linked group doing it in 30% is far out.
  addHarvest(8 * (cot / n), () => `pooled cot_elicitation_rate ${(cot / n).toFixed(2)} over ${n} requests${notCounted}`);
  // Harvesting is industrial: a training set is thousands of eliciting requests. A rate alone cannot
  // tell a ring that mixes them into a third of its traffic (0.34 pooled over 60 accounts with their
  // own cards and addresses, 7,167 asks: scored 0.68) from a class asking a few dozen times.
  // A piece of a ring (see ownElicitingTemplates) harvests with the rest of it: the volume is the ring's.
  const kinAsks = facts.ownTemplates?.kinAsks ?? 0;
  addHarvest(harvestVolumeWeight(cot + kinAsks), () => `${cot} eliciting requests pooled${kinAsks > 0 ? `, ${kinAsks} more from the same ring's accounts outside the group` : ""}`);
  addHarvest(4 * (harness / n), () => `pooled harness_template_share ${(harness / n).toFixed(2)}`);
  addHarvest(styleWeight(style / n), () => `pooled extraction_style ${(style / n).toFixed(2)}`);
  addHarvest(2.5 * Math.max(0, sensitive / n - 0.2), () => `pooled alignment_and_rubric_share ${(sensitive / n).toFixed(2)}`);
  // What the asks are aimed at, which cover traffic does not dilute as it does the share above: a lab
  // harvesting how the model grades and where it draws its policy lines mixed such asks into a third of
  // the requests of 15 aged, verified accounts on their own cards and addresses (the share above 0.18,
  // scored 0.77). People ask to be shown the steps of homework and code.
  const aimedShare = pooled.cotHits > 0 ? Math.min(1, aimed / pooled.cotHits) : 0;
  if (cot >= AIMED_ASKS_MIN) addHarvest(AIMED_ASKS_WEIGHT * Math.max(0, aimedShare - AIMED_ASKS_HABIT), () => `${(aimedShare * 100).toFixed(0)}% of ${cot} eliciting requests aimed at rubric grading or policy-sensitive answers`);
  addHarvest(2 * (logit / n), () => `pooled logprob_or_multisample_share ${(logit / n).toFixed(2)}`);
  // The reasoning-trace counterpart of logprobs: a harness asks every call for the longest reasoning.
  // Weaker, since many developers set it app-wide; it counts as a group's habit, never per request.
  add(1 * (maxReasoning / n), () => `pooled max_reasoning_share ${(maxReasoning / n).toFixed(2)} (reasoning effort high or thinking budget ≥ 16K)`);
  // One agent harness (its own tool-schema set) driven through many accounts: how a fleet spreads
  // one pipeline's traffic under per-account limits. One developer's app is one account, or a few.
  addHarvest(0.75 * harnessShare, () => `${Math.round(harnessShare * k)} of ${k} accounts send one tool-schema set nobody outside them sends`);
  // Asks reworded afresh by each of many accounts: a paraphrasing harness, which leaves no template
  // to share. A careful hydra that did so from aged accounts on their own cards and addresses, a sixth of
  // its requests asking, was grouped with the people who sent its cover prompts and scored 0.54.
  addHarvest(2.5 * (rewording / k), () => `${rewording} of ${k} accounts word their asks for the reasoning afresh (${REWORDED_ASKS_MIN}+ wordings each)`);
  const own = facts.ownTemplates ?? NO_OWN_TEMPLATES;
  addHarvest(ownTemplatesWeight(own.families) * own.share, () => `${Math.round(own.share * k)} of ${k} accounts send eliciting templates nobody outside them sends (${own.families} of them)`);
  add(2.5 * (rotating / k), () => `${rotating} of ${k} accounts rotate IPs per request`);
  // Pooled over members: a rotating pool's accounts are each small, but together never sleep.
  const entropy = pooled.hourEntropy();
  if (n >= 100) add(entropy > 0.95 ? 1.5 : 0, () => `linked accounts together active round the clock (hour entropy ${entropy.toFixed(2)})`);
  // Throwaway accounts skip identity verification; on its own this is weak (most people skip it too).
  if (k >= 5) add(1 * (unverified / k), () => `${unverified} of ${k} accounts unverified`);
  addHarvest(1.5 * (young / k), () => `${young} of ${k} accounts unverified and first used within 72h of creation`);
  // Many accounts leaving through the same addresses day after day: one operator's servers, not a
  // carrier's NAT (where strangers meet an address now and then).
  const shared = links.filter((l) => l.kind === "ip_day" && l.members.size >= 3);
  if (shared.length > 0) {
    const perDay = shared.reduce((a, l) => a + l.members.size, 0) / shared.length;
    // Except an office's or a campus's NAT: one or two addresses, used in waking hours only, by
    // long-standing accounts; the same people meet there every working day too. A fleet's servers
    // are more, or never sleep, or serve accounts made for the job. An office of 45 behind one
    // address, a fifth of whose questions asked to be shown the reasoning, was flagged whole on this.
    const addresses = new Set(shared.map((l) => l.value.slice(0, l.value.lastIndexOf("@"))));
    const office = addresses.size <= 2 && entropy < 0.85 && young / k < 0.2;
    add(2.5 * Math.min(1, shared.length / 2) * Math.min(1, perDay / 10) * (office ? 0.4 : 1), () => `${shared.length} address-days shared by ${perDay.toFixed(0)} linked accounts on average${office ? " (one office's or campus's address, in working hours)" : ""}`);
  }
  // One conversation's turns sent from several accounts: one client rotating accounts per request.
  // People keep a conversation on the account that began it; a pool hands every turn to the next account.
  let carried = 0;
  for (const l of links) if (l.kind === "conversation_pool" && l.members.size >= 2) carried += l.requests;
  if (carried > 0) addHarvest(Math.min(3, 1.5 * Math.log10(1 + carried)), () => `${carried} requests carried on a conversation another of the linked accounts was in`);
  const hard = links.filter((l) => (l.kind === "payment_fp" || l.kind === "email_hash" || l.kind === "phone_hash") && !l.weak);
  if (hard.length > 0 && young / k > 0.5) addHarvest(1, () => `${hard.length} shared payment/email/phone identifiers among young unverified accounts`);
  // Accounts that share no identifier but work in the same minutes, on many occasions at hours of
  // their own (not a timetable's, not a cron's; see cluster/timing.ts): one scheduler driving them.
  // As strong as a conversation rotation: both are what the accounts did, not what they carry.
  const lockstep = facts.lockstep ?? 0;
  if (lockstep > 0) {
    // One key per day the group was found in lockstep over the week before it; more days, more weight.
    const days = links.filter((l) => l.kind === "co_activity" && l.sync !== undefined);
    const last = days.reduce<LinkKey | null>((a, b) => (a === null || b.lastSeen > a.lastSeen ? b : a), null);
    const sync = last?.sync;
    const repeated = Math.min(2, Math.log2(Math.max(1, days.length)) / 2);
    addHarvest((4 + repeated) * (lockstep / k), () =>
      `${lockstep} of ${k} accounts work in lockstep on ${days.length} day${days.length === 1 ? "" : "s"}${sync ? ` (last week: ${sync.shared} shared 5-minute windows per pair, on ${sync.occasions} occasions at ${sync.hours} different hours, ${sync.lift.toFixed(1)}× what each one's own hours of activity explain)` : ""}`,
    );
  }
  // Caught members vouch for the rest in proportion: a group that meets on the same infrastructure
  // as accounts already caught is likelier one operator's. A share, so one flagged stranger behind
  // a carrier's NAT moves a large group little; and members are still flagged only on evidence they
  // carry themselves (see the hunt engine), so this never flags a bystander on its own.
  add(2 * (alreadyFlagged / k), () => `${alreadyFlagged} of ${k} linked accounts already flagged on other evidence`);
  add(Math.min(1.5, Math.log10(k) * 0.75), () => `${k} linked accounts`);
  const result = evidence.result(5);
  // A vetted programme's or a verified organisation's own accounts, linked by their own card: the
  // account level never flags such an account on its behaviour, so their pooled behaviour does not
  // either. A labelling company's four verified accounts grading with judge templates (explanation
  // before score, a reasoning ask) were flagged as a ring. Any member outside the programme lifts this,
  // as does a verified organisation's member whose cover no longer holds (see coverHolds).
  if (k > 0 && covered === k) {
    return { score: Math.min(result.score, PROGRAMME_GROUP_CAP), reasons: [`all ${k} accounts in a vetted programme or verified organisation: pooled behaviour not acted on`, ...result.reasons] };
  }
  // Small teams in the open (see openTeams) that re-run what they asked, greedily: an evaluation's
  // shape, and one a ring pays twice to put on. Pooling their behaviour counts teams' work as a ring's;
  // each account is still judged on its own traffic, as any customer's is. The shape alone is not
  // enough: a careful ring rewritten onto aged accounts sharing a card three by three passed as teams
  // and was missed whole (0 of 15), so the re-runs are what excuse it.
  if (facts.openTeams === true && resent > 0) {
    return { score: Math.min(result.score, OPEN_TEAM_CAP), reasons: [`${k} accounts, most of them in teams that share a card or name one organisation in the open, established and none rotating, re-running ${resent} asks greedily: an evaluation's shape, pooled behaviour not acted on`, ...result.reasons] };
  }
  // Strangers using one app: the prompt that groups them is the evidence the pooled rates then count
  // again, once per member, and their accounts look like anyone's.
  const crowd = facts.promptCrowd;
  if (crowd) {
    const largest = Math.round(crowd.largestPiece * k);
    return {
      score: Math.min(result.score, PROMPT_CROWD_CAP),
      reasons: [`${k} accounts held together by one ${crowd.family.kind.replace("_", " ")} alone (without it the largest tied group is ${largest}), mostly established and not rotating: an app's users, pooled behaviour not acted on`, ...result.reasons],
    };
  }
  // A network is not a harvest. Strangers behind one VPN that hands out a new exit per request meet at
  // its addresses every day, at all hours between them, most never verified: a hydra's infrastructure,
  // scored as one. Sixty such people (ordinary prompts, some apps at maximum reasoning) formed groups
  // scored 0.81-0.94 on that alone, and those asking for the steps in a tenth of their requests were flagged (11 of 60).
  // Their pooled asks, templates, style and throwaway accounts added at most 0.97 log-odds; every campaign
  // group in our scenarios added 2 or more, an agent fleet asking for nothing in words 2.2 (style, throwaways).
  if (harvest < MIN_HARVEST_EVIDENCE && result.score > NETWORK_ONLY_CAP) {
    return {
      score: NETWORK_ONLY_CAP,
      reasons: [`${k} accounts tied by their network alone: what they sent and how their accounts were made add ${harvest.toFixed(2)} log-odds to the score (${MIN_HARVEST_EVIDENCE} needed); pooled behaviour not acted on`, ...result.reasons],
    };
  }
  return result;
}

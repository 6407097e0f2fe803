import type { Exchange } from "../core/index.js";
import { BoundedMemo, headTail, lastUserText } from "../core/index.js";
import type { ExtractionStyleModel } from "./classifier.js";
import { COT_HIT, cotElicitation, learnedAskProbability, type CotEvidence } from "./cot.js";
import { promptHash32 } from "./distinct.js";
import { featuresInScratch } from "./features.js";
import { domainScores, topDomain, type Domain, type DomainScores } from "./domains.js";
import { extractionParams, type ExtractionParams } from "./params.js";
import { stableHash, templateSignature, type TemplateSignature } from "./template.js";

/** Everything the request level knows about one exchange. One implementation for hunt, gateway and tools. */
export interface RequestSignals {
  extractionStyle: number;
  cotElicitation: number;
  cotEvidence: CotEvidence[];
  domains: DomainScores;
  topDomain: Domain;
  template: TemplateSignature;
  /**
   * Hash of the standing instructions: the system prompt, and the answer schema the request demands
   * where it demands one (an app's or a harness's configuration, sent with each of its requests); null
   * when there is neither.
   */
  systemPromptHash: string | null;
  /** Hash of the sorted tool schemas; null when no tools were declared. */
  toolSchemaHash: string | null;
  /** The conversation a follow-up continues (see conversationKey); null for a first turn. */
  conversationKey: string | null;
  params: ExtractionParams;
  /** A follow-up in a conversation (prior assistant turns present, or held by the provider). */
  followUp: boolean;
  promptChars: number;
  /** The prompt as one 32-bit value when the request is a greedy one-shot ask for reasoning (see isGreedyAsk); null otherwise. */
  greedyPromptHash: number | null;
}

/**
 * Whether a request is a greedy one-shot ask for reasoning: temperature 0, one sample, no history.
 * Sent twice, it gets the same answer twice; that is what an evaluation does when it re-runs its
 * benchmark under other settings, and what harvesting never needs to.
 */
export function isGreedyAsk(ex: Pick<Exchange, "params" | "assistantTurns" | "continues">, cot: number): boolean {
  return cot >= COT_HIT && ex.params.temperature === 0 && (ex.params.n ?? 1) <= 1 && ex.assistantTurns.length === 0 && ex.continues === undefined;
}

/** A first answer shorter than this is one many strangers get word for word ("Hello! How can I help?"). */
const MIN_OPENING_ANSWER_CHARS = 80;
const OPENING_CHARS = 300;
/** How long a conversation's carrier is remembered after its last turn: by the hunt (log time), the gateway and their link keys. */
export const CONVERSATION_MEMORY_MS = 3 * 24 * 3_600_000;
/** How soon after a conversation's last turn another account's further turn counts as carrying it on. */
export const CONVERSATION_SESSION_GAP_MS = 3_600_000;

/** A conversation's latest turn: who sent it, when, and how long the conversation was then. */
export interface ConversationTurn {
  carrier: string;
  ts: number;
  /** The request's messages (Exchange.turnCount): a conversation carried on grows. */
  turns: number;
  /**
   * Another account sent this opening without carrying the conversation on: two people's
   * word-for-word openings (a canned first answer), which links nobody from then on.
   */
  canned: boolean;
}

/**
 * Whether another account's request (`turns` long, at `ts`) on a conversation whose latest turn is
 * `last` carries it on: it goes further into it, within CONVERSATION_SESSION_GAP_MS. Otherwise it is a
 * stranger's word-for-word opening (a generator writing histories without a model, an app's canned
 * greeting and quick replies), and the conversation is canned: when every ordinary user's follow-ups
 * were written that way, reading any second account as the conversation carried on linked 388 of 516
 * ordinary users into one pool. Marks `last` canned when it is not carried on.
 */
export function carriesOn(last: ConversationTurn, turns: number, ts: number): boolean {
  if (!last.canned && (turns <= last.turns || ts - last.ts > CONVERSATION_SESSION_GAP_MS)) last.canned = true;
  return !last.canned;
}

/**
 * A conversation's step when `account` sends a request `turns` long at `ts`, given its latest turn
 * `last` (undefined: not seen): `turn`, the conversation's new latest turn, or null when the request is
 * another account's that does not carry it on (see carriesOn; the record stays as it was, marked
 * canned); and `from`, the account it was carried on from, or null when it is the account's own turn.
 * `alreadyIn`: the account is known to be one of the conversation's carriers, so its turn is its own.
 */
export function takeTurn(last: ConversationTurn | undefined, account: string, turns: number, ts: number, alreadyIn = false): { turn: ConversationTurn | null; from: string | null } {
  const turn: ConversationTurn = { carrier: account, ts, turns, canned: last?.canned ?? false };
  if (last === undefined || last.carrier === account || alreadyIn) return { turn, from: null };
  return carriesOn(last, turns, ts) ? { turn, from: last.carrier } : { turn: null, from: null };
}

/**
 * The conversation a follow-up request continues: its first user turn, the model's first answer and
 * the second user turn, constant from the second turn on. Two accounts sending one conversation's
 * turns are one client rotating accounts per request (a reseller's pool, a hydra spreading a session
 * under per-account limits), which works with no address or account facts in the log at all. The
 * second user turn is in it because strangers do share openings: an app's starter question answered
 * word for word at temperature 0, then continued by each user in their own words. Null before the
 * second user turn, or when the opening answer is too short to be a conversation's own.
 */
export function conversationKey(ex: Pick<Exchange, "userTurns" | "assistantTurns">): string | null {
  const opening = conversationOpening(ex);
  return opening === null ? null : stableHash(`${opening.user}\u0000${opening.answer}\u0000${opening.next}`);
}

/** What conversationKey reads: the heads of the first user turn, the first answer and the second user turn. */
export function conversationOpening(ex: Pick<Exchange, "userTurns" | "assistantTurns">): { user: string; answer: string; next: string } | null {
  const answer = ex.assistantTurns[0];
  const next = ex.userTurns[1];
  if (answer === undefined || next === undefined || answer.length < MIN_OPENING_ANSWER_CHARS) return null;
  return { user: (ex.userTurns[0] ?? "").slice(0, OPENING_CHARS), answer: answer.slice(0, OPENING_CHARS), next: next.slice(0, OPENING_CHARS) };
}

/**
 * The system prompt's hash, with the demanded answer schema's where there is one: what an app (or a
 * harness) sends with every request, whose asks for the reasoning are its own choice (see
 * restsOnSystemPrompt), and which strangers share when they run one app. A schema alone is hashed alone.
 */
function standingInstructionsHash(ex: Pick<Exchange, "system" | "answerSchema">): string | null {
  if (ex.answerSchema === undefined) return ex.system ? hashOfSentAgain(ex.system) : null;
  return hashOfSentAgain(`${ex.system}\u0000answer schema\u0000${ex.answerSchema}`);
}

function toolSetHash(ex: Exchange): string | null {
  if (ex.tools.length === 0) return null;
  return hashOfSentAgain(
    ex.tools
      .map((t) => `${t.name}:${t.schema}`)
      .sort()
      .join("\n"),
  );
}

/**
 * An app sends the same system prompt and tool schemas with every request, and an agent's run to tens
 * of kilobytes: hashing 16 KB of schemas cost 31–86 µs a request, against 6 µs to find it again here
 * (one string compare). Texts too short to gain (under 512 characters) are hashed each time, and too
 * long ones too, so that the memo holds at most 512 × 64 K characters, whatever is sent.
 */
const HASHES_SENT_AGAIN = new BoundedMemo<string>(512);
const hashOfSentAgain = (text: string): string => (text.length < 512 || text.length > 65_536 ? stableHash(text) : HASHES_SENT_AGAIN.get(text, stableHash));

/**
 * The conversation's first user turn, bounded as the system prompt is, when the request carries it
 * before its newest one (and it is not the same words again): where a harness primes a conversation
 * ("for every question I send, write out your complete reasoning") that its follow-ups then carry.
 * A request continuing a conversation the provider holds reads the opening handed on to it instead
 * (Exchange.heldOpening): its first turn is only the start of what it sends.
 */
export function openingTurn(ex: Pick<Exchange, "userTurns" | "heldOpening">, newest: string): string {
  if (ex.heldOpening !== undefined) return ex.heldOpening === newest ? "" : ex.heldOpening;
  const first = ex.userTurns.length > 1 ? (ex.userTurns[0] ?? "") : "";
  // The head kept is longer than a conversation key's (OPENING_CHARS), so a thread handed this text
  // in place of the first turn (see the hunt's signal codec) computes the same key.
  return first === newest ? "" : standingHeadTail(first);
}

/** What is read of a text sent again with request after request (a system prompt, an opening turn): its instructions' head and tail. */
export const standingHeadTail = (text: string): string => headTail(text, 1000, 300);

/**
 * The request's earlier answers as the CoT scan reads them for demonstrations (see cot.ts): the first
 * few, not the prefill (read as one), each by its head, where its form is set, and its tail, where the
 * answer lands. A few-shot set comes before the question it sets up, so the first eight are where it
 * is, and a long conversation's read costs what a short one's does. The head is a conversation key's
 * (OPENING_CHARS) and more, so the hunt's signal threads, sent these, find the same key. A request
 * continuing a conversation the provider holds reads those handed on to it instead (see handedOn).
 */
export function demonstrations(ex: Pick<Exchange, "assistantTurns" | "prefill" | "heldDemonstrations">): readonly string[] {
  if (ex.heldDemonstrations !== undefined) return ex.heldDemonstrations;
  const earlier = ex.prefill !== "" ? ex.assistantTurns.length - 1 : ex.assistantTurns.length;
  if (earlier <= 0) return NO_DEMONSTRATIONS;
  const read: string[] = [];
  for (let i = 0; i < Math.min(earlier, DEMONSTRATIONS_READ); i++) read.push(headTail(ex.assistantTurns[i] ?? "", OPENING_CHARS, 200));
  return read;
}
const DEMONSTRATIONS_READ = 8;
const NO_DEMONSTRATIONS: readonly string[] = Object.freeze([]);

/** A prefill steers from its first words: its head is all that is read (and all the hunt sends its signal threads). */
export const prefillHead = (ex: Exchange): string => ex.prefill.slice(0, 600);

/**
 * RequestSignals whose template signature is computed on first read: the hunt always reads it, the
 * gateway only when intel holds template indicators, and it is a quarter of the signal cost. So are
 * the capability domains and the style model: the hunt reads every request's, the gateway only where a
 * policy rule does (`request_domain_in`, `request_style_gte`) or after the decision (its rolling
 * counters, see Gatekeeper); they were about 40% of the signal cost in the request path. A class rather
 * than an object literal with getters: V8 builds such literals on a slow path (0.6 µs per object
 * against 0.04 µs for a class instance of the same size, in a standalone test).
 */
class SignalsOfRequest implements RequestSignals {
  #template: TemplateSignature | undefined = undefined;
  #conversationKey: string | null | undefined = undefined;
  #domains: DomainScores | undefined = undefined;
  #topDomain: Domain | undefined = undefined;
  #style: number | undefined = undefined;
  readonly #ex: Exchange;
  readonly #model: ExtractionStyleModel;
  readonly #prompt: string;
  readonly #system: string;
  readonly cotElicitation: number;
  readonly cotEvidence: CotEvidence[];
  readonly systemPromptHash: string | null;
  readonly toolSchemaHash: string | null;
  readonly params: ExtractionParams;
  readonly followUp: boolean;
  readonly promptChars: number;
  readonly greedyPromptHash: number | null;

  constructor(ex: Exchange, model: ExtractionStyleModel) {
    const full = lastUserText(ex);
    const prompt = headTail(full);
    const system = standingHeadTail(ex.system);
    // With no system prompt the style model reads the user's words too: one pass over their features
    // serves both models, when the CoT scan asks for the learned reading at all.
    const readLearned = (): number => {
      const features = featuresInScratch(prompt);
      if (!system) this.#style = roundStyle(model.scoreFeatures(features));
      return learnedAskProbability(features);
    };
    const cot = cotElicitation(prompt, system, ex.params, prefillHead(ex), readLearned, openingTurn(ex, full), demonstrations(ex), ex.answerSchema);
    this.#ex = ex;
    this.#model = model;
    this.#prompt = prompt;
    this.#system = system;
    this.cotElicitation = cot.score;
    this.cotEvidence = cot.evidence;
    this.systemPromptHash = standingInstructionsHash(ex);
    this.toolSchemaHash = toolSetHash(ex);
    this.params = extractionParams(ex.params);
    this.followUp = ex.assistantTurns.length > 0 || ex.continues !== undefined;
    this.promptChars = full.length;
    // Hashed whole (its system prompt and last user turn as sent) and only for such asks: a few in a
    // hundred requests, so the hot path pays for what the re-send count reads and nothing else.
    this.greedyPromptHash = isGreedyAsk(ex, cot.score) ? promptHash32(`${ex.system}\u0000${full}`) : null;
  }

  get domains(): DomainScores {
    return (this.#domains ??= domainScores(this.#ex, this.#prompt, this.#system));
  }

  get topDomain(): Domain {
    return (this.#topDomain ??= topDomain(this.domains));
  }

  /**
   * Judged on what the request asks now, plus a bounded slice of the system prompt: harnesses that
   * move their template into the system prompt should not hide it.
   */
  get extractionStyle(): number {
    return (this.#style ??= roundStyle(this.#model.score(this.#system ? `${this.#system.slice(0, 600)}\n${this.#prompt}` : this.#prompt)));
  }

  /** On first read, as the template: only follow-ups with a long opening answer pay for the hash. */
  get conversationKey(): string | null {
    if (this.#conversationKey === undefined) this.#conversationKey = conversationKey(this.#ex);
    return this.#conversationKey;
  }

  get template(): TemplateSignature {
    return (this.#template ??= templateSignature(this.#prompt));
  }
}

const roundStyle = (p: number): number => Math.round(p * 1000) / 1000;

export function requestSignals(ex: Exchange, model: ExtractionStyleModel): RequestSignals {
  return new SignalsOfRequest(ex, model);
}

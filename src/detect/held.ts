import { AgedMap, BoundedMemo, continuingAnswer, headTail, isConversationObject, lastUserText, type Exchange } from "../core/index.js";
import { carryingDemonstrations, openingCarries } from "./cot.js";
import { demonstrations, standingHeadTail } from "./signals.js";

/**
 * Conversations the provider holds (Responses API `previous_response_id`, `conversation`): a harness
 * primes one once ("for every question I send, write out your complete chain of thought"), in its
 * first user turn, in a developer message or with answers written for the model to follow (few-shot
 * demonstrations), and then sends bare questions that continue it, each of which shows nothing but its
 * question. What the conversation holds that asks is handed on along the chain, by the hunt in log
 * order and by the gateway through its state, and each continuing request is read with it: the opening
 * as a follow-up's opening turn is read, the developer messages as the system prompt they are to the
 * model, the demonstrations as its earlier answers.
 */

/**
 * What a held conversation hands on: its opening's carrying sentences, its developer messages ("" for
 * neither) and its earlier answers written as the answer to follow, as read (none: empty).
 */
export interface HeldConversation {
  opening: string;
  system: string;
  shown: readonly string[];
}

/** As long as a provider keeps a stored answer to continue (OpenAI: 30 days). */
export const HELD_OPENING_MS = 30 * 24 * 3_600_000;

/**
 * What a request hands on to the requests that continue it: what was handed to it, else its own first
 * turn and developer messages where they ask for reasoning beyond the bar by themselves (only such asks
 * carry to follow-ups: see openingCarries); null when nothing carries, so that only what can change a
 * later reading is kept.
 */
export function handedOn(ex: Exchange): HeldConversation | null {
  const opening = ex.heldOpening ?? ownOpening(ex);
  const system = ex.heldSystem ?? ownSystem(ex);
  const shown = ex.heldDemonstrations ?? ownDemonstrations(ex);
  return opening === "" && system === "" && shown.length === 0 ? null : { opening, system, shown };
}

const NONE_SHOWN: readonly string[] = Object.freeze([]);

/**
 * The request's earlier answers, where they show the answer to follow (a harness's few-shot set primes a
 * chain so): only those that carry (the answer that opens a thinking block, or a whole labelled set),
 * each by its first and last words, where the form and the answer are, which is all the scan needs and
 * all that is remembered for a month (in the gateway's shared state too), not the exemplar's content;
 * whole, as read, in the rare set whose answers only carry with their middles.
 */
function ownDemonstrations(ex: Exchange): readonly string[] {
  const shown = demonstrations(ex);
  if (shown.length === 0) return NONE_SHOWN;
  const carrying = carryingDemonstrations(shown);
  if (carrying.length === 0) return NONE_SHOWN;
  const ends = carryingDemonstrations(carrying.map((answer) => headTail(answer, DEMONSTRATION_END_CHARS, DEMONSTRATION_END_CHARS)));
  return ends.length > 0 ? ends : carrying;
}
const DEMONSTRATION_END_CHARS = 60;

/** The request's first user turn, where it carries: only its carrying sentences (see carryingPart). */
function ownOpening(ex: Exchange): string {
  const own = standingHeadTail(ex.userTurns.length > 1 ? (ex.userTurns[0] ?? "") : lastUserText(ex));
  return own !== "" && openingCarries(own) ? carryingPart(own) : "";
}

/**
 * The request's developer messages, where they carry: whole, as the operator wrote them, since they are
 * read as the system prompt (an app's, whose asks the hunt weighs as the app's choice, by its hash).
 */
function ownSystem(ex: Exchange): string {
  const own = standingHeadTail(ex.systemInInput ?? "");
  return own !== "" && openingCarries(own) ? own : "";
}

const SENTENCE_BREAK = /(?<=[.!?。！？])\s+|\n+/;

/**
 * Of an opening that carries, the sentences that carry by themselves: what is remembered for a month
 * (in the gateway's shared state too) is the ask ("for every problem I send, lay out your entire chain
 * of thought"), not the question sent with it, which may hold anything a person wrote. An ask that
 * needs more than one sentence to read as one is kept whole.
 */
function carryingPart(opening: string): string {
  const sentences = opening.split(SENTENCE_BREAK);
  if (sentences.length === 1) return opening;
  const carrying = sentences.filter((s) => s.trim() !== "" && openingCarries(s));
  return carrying.length > 0 ? carrying.join("\n") : opening;
}

/**
 * Sets what a continuing request is read with: the held opening, the held developer messages ahead of
 * its own system prompt, and the held demonstrations.
 */
export function readWithHeld(ex: Exchange, held: HeldConversation): void {
  if (held.opening !== "") ex.heldOpening = held.opening;
  if (held.shown.length > 0) ex.heldDemonstrations = held.shown;
  if (held.system !== "") {
    ex.heldSystem = held.system;
    ex.system = ex.system === "" ? held.system : `${held.system}\n${ex.system}`;
  }
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The keys a request's hand-on is remembered under: its answer's id, and the conversation object it
 * opens (or keeps going, so that a conversation in use is not forgotten). The gateway asks this of every
 * request it observes, nearly all of which continue nothing: those allocate nothing.
 */
export function handOnKeys(ex: Pick<Exchange, "responseId" | "continues">): readonly string[] {
  if (ex.responseId === undefined && ex.continues === undefined) return NO_KEYS;
  const keys: string[] = [];
  if (ex.responseId !== undefined) keys.push(continuingAnswer(ex.responseId));
  if (ex.continues !== undefined && isConversationObject(ex.continues)) keys.push(ex.continues);
  return keys;
}

/**
 * Past this many remembered keys the older generation is dropped early: a conversation is kept only
 * when it carries, so this bounds a log in which every chain primes (a harness's own), at about 100 MB.
 */
const MAX_HELD_KEYS = 1_000_000;

/**
 * Distinct hand-ons kept as one copy each: a harness primes its chains with the same few asks and
 * exemplars, and each chain's root read them as a string of its own (a log of few-shot chains kept a
 * copy per chain, up to a kilobyte each for a labelled set). Bounded as a memo: past it, copies again.
 */
const DISTINCT_HAND_ONS = 4096;
const handOnKey = (h: HeldConversation): string => `${h.opening}\u0000${h.system}\u0000${h.shown.join("\u0000")}`;

/** Held conversations in log order, for the hunt (the gateway keeps them in its shared state). */
export class HeldOpenings {
  readonly #held = new AgedMap<string, HeldConversation>(HELD_OPENING_MS);
  readonly #distinct = new BoundedMemo<HeldConversation>(DISTINCT_HAND_ONS);

  /** Reads each request with what the requests before it handed on, and remembers what it hands on; in log order. */
  recall(batch: readonly Exchange[]): void {
    for (const ex of batch) {
      const held = ex.continues === undefined ? undefined : this.#held.get(ex.continues);
      if (held !== undefined) readWithHeld(ex, held);
      const keys = handOnKeys(ex);
      if (keys.length === 0) continue;
      const handed = handedOn(ex);
      if (handed === null) continue;
      const handing = this.#distinct.get(handOnKey(handed), () => handed);
      this.#held.age(ex.ts);
      if (this.#held.size >= MAX_HELD_KEYS) this.#held.rotate(ex.ts);
      for (const key of keys) this.#held.set(key, handing, ex.ts);
    }
  }

  get size(): number {
    return this.#held.size;
  }
}

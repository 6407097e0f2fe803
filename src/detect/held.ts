import { AgedMap, lastUserText, type Exchange } from "../core/index.js";
import { openingCarries } from "./cot.js";
import { standingHeadTail } from "./signals.js";

/**
 * Conversations the provider holds (Responses API `previous_response_id`, `conversation`): a harness
 * primes one once ("for every question I send, write out your complete chain of thought") and then
 * sends bare questions that continue it, each of which shows nothing but its question. What the
 * opening asked is handed on along the chain, by the hunt in log order and by the gateway through its
 * state, and each continuing request is read with it as a follow-up is read with its opening turn.
 */

/** As long as a provider keeps a stored answer to continue (OpenAI: 30 days). */
export const HELD_OPENING_MS = 30 * 24 * 3_600_000;

/** What a request continuing the answer `responseId` names in Exchange.continues. */
export const continuingAnswer = (responseId: string): string => `response:${responseId}`;

/** Whether `continues` names a conversation object (whose first request opens it) rather than an answer. */
export const isConversationObject = (continues: string): boolean => continues.startsWith("conversation:");

/**
 * The opening a request hands on to the requests that continue it: the one handed to it, else its own
 * first turn where that asks for reasoning beyond the bar by itself (only such asks carry to follow-ups:
 * see openingCarries); null when nothing carries, so that only what can change a later reading is kept.
 */
export function openingToHandOn(ex: Exchange): string | null {
  if (ex.heldOpening !== undefined) return ex.heldOpening;
  const own = standingHeadTail(ex.userTurns.length > 1 ? (ex.userTurns[0] ?? "") : lastUserText(ex));
  return own !== "" && openingCarries(own) ? carryingPart(own) : null;
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
 * The keys a request's opening is remembered under: its answer's id, and the conversation object it
 * opens (or keeps going, so that a conversation in use is not forgotten).
 */
export function handOnKeys(ex: Pick<Exchange, "responseId" | "continues">): string[] {
  const keys: string[] = [];
  if (ex.responseId !== undefined) keys.push(continuingAnswer(ex.responseId));
  if (ex.continues !== undefined && isConversationObject(ex.continues)) keys.push(ex.continues);
  return keys;
}

/**
 * Past this many remembered keys the older generation is dropped early: an opening is kept only when it
 * carries, so this bounds a log in which every chain primes (a harness's own), at about 100 MB.
 */
const MAX_HELD_KEYS = 1_000_000;

/** Held conversations in log order, for the hunt (the gateway keeps them in its shared state). */
export class HeldOpenings {
  readonly #openings = new AgedMap<string, string>(HELD_OPENING_MS);

  /** Sets each request's held opening (from the requests before it) and remembers what it hands on; in log order. */
  recall(batch: readonly Exchange[]): void {
    for (const ex of batch) {
      if (ex.continues === undefined && ex.responseId === undefined) continue;
      const held = ex.continues === undefined ? undefined : this.#openings.get(ex.continues);
      if (held !== undefined) ex.heldOpening = held;
      const keys = handOnKeys(ex);
      if (keys.length === 0) continue;
      const opening = openingToHandOn(ex);
      if (opening === null) continue;
      this.#openings.age(ex.ts);
      if (this.#openings.size >= MAX_HELD_KEYS) this.#openings.rotate(ex.ts);
      for (const key of keys) this.#openings.set(key, opening, ex.ts);
    }
  }

  get size(): number {
    return this.#openings.size;
  }
}

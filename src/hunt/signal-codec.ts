import { blankExchange, type Exchange, type GenerationParams } from "../core/index.js";
import { conversationOpening, demonstrations, DOMAINS, MINHASH_SIZE, openingTurn, prefillHead, requestSignals, type CotEvidence, type Domain, type ExtractionStyleModel, type RequestSignals } from "../detect/index.js";

/**
 * What travels between the hunt's main thread and its signal threads, packed as a few strings and
 * typed arrays per batch. Structured clone of the object graphs (exchanges out, RequestSignals back)
 * cost about a third as much as computing the signals, on both threads; strings and typed arrays
 * copy in bulk. Written by hand because it is the hot path and the shape is fixed; a round-trip test
 * holds it to the plain objects. Unpacked MinHashes are views of the batch's array: whoever keeps
 * one copies it (the link index does). The masked prompt text stays on the signal thread (it comes
 * back empty): the engine reads the template's hashes, never its text, and the text was the largest
 * string sent back per request.
 */
export interface PackedInputs {
  strings: string[];
  numbers: Float64Array<ArrayBuffer>;
}

export interface PackedSignals {
  strings: string[];
  numbers: Float64Array<ArrayBuffer>;
  minhash: Uint32Array<ArrayBuffer>;
}

const IN_STRINGS = 12;
const IN_NUMBERS = 15;
const OUT_STRINGS = 8;
/** Seven scalars (style, CoT, top domain, flags, prompt length, temperature, greedy prompt hash), then the domain scores. */
const DOMAIN_AT = 7;
const OUT_NUMBERS = DOMAIN_AT + DOMAINS.length;
const MINHASH = MINHASH_SIZE;

const num = (x: number | undefined): number => (x === undefined ? NaN : x);

/**
 * Only what request signals read: the last user turn, the system prompt, tools, counts and
 * parameters, an assistant prefill, a follow-up's opening (the heads of its second user turn and first answer, which the
 * conversation key hashes with the first turn's), its opening turn as the CoT scan reads it (see openingTurn), and
 * the conversation the provider holds for it with the opening handed on to it, and its earlier answers as the
 * demonstration scan reads them, and the answer schema it demands; "" where there is none.
 */
export function packInputs(batch: readonly Exchange[]): PackedInputs {
  const strings: string[] = [];
  const numbers = new Float64Array(batch.length * IN_NUMBERS);
  batch.forEach((ex, i) => {
    const p = ex.params;
    const opening = conversationOpening(ex);
    const shown = demonstrations(ex);
    const last = ex.userTurns.length > 0 ? (ex.userTurns[ex.userTurns.length - 1] ?? "") : "";
    // The opening's user head is not sent: the opening turn holds it (or, where that is "", the last turn does).
    // The opening turn the request itself sends (slot 7) is kept apart from one handed on to it (slot 8):
    // the conversation key reads the former's head.
    strings.push(
      last,
      ex.system,
      ex.tools.length > 0 ? JSON.stringify(ex.tools) : "",
      p.reasoningEffort ?? "",
      opening?.answer ?? "",
      opening?.next ?? "",
      prefillHead(ex),
      openingTurn({ userTurns: ex.userTurns }, last),
      ex.heldOpening ?? "",
      ex.continues ?? "",
      shown.length > 0 ? JSON.stringify(shown) : "",
      ex.answerSchema ?? "",
    );
    const o = i * IN_NUMBERS;
    numbers[o] = ex.userTurns.length > 0 ? 1 : 0;
    numbers[o + 1] = ex.assistantTurns.length;
    numbers[o + 2] = ex.toolCalls.length;
    numbers[o + 3] = ex.toolResults;
    numbers[o + 4] = ex.media.image;
    numbers[o + 5] = ex.media.audio;
    numbers[o + 6] = ex.media.file;
    numbers[o + 7] = num(p.maxTokens);
    numbers[o + 8] = num(p.temperature);
    numbers[o + 9] = num(p.topP);
    numbers[o + 10] = num(p.n);
    numbers[o + 11] = p.logprobs ? 1 : 0;
    numbers[o + 12] = num(p.topLogprobs);
    numbers[o + 13] =
      (p.logitBias ? 1 : 0) | (p.stream ? 2 : 0) | (p.reasoningRequested ? 4 : 0) | (p.reasoningEffort !== undefined ? 8 : 0) | (ex.heldOpening !== undefined ? 16 : 0) | (ex.continues !== undefined ? 32 : 0) | (ex.heldDemonstrations !== undefined ? 64 : 0);
    numbers[o + 14] = num(p.thinkingBudget);
  });
  return { strings, numbers };
}

export function inputCount(packed: PackedInputs): number {
  return packed.numbers.length / IN_NUMBERS;
}

/** The i-th exchange of a packed batch, as far as request signals read it. */
export function unpackInput(packed: PackedInputs, i: number): Exchange {
  const { strings, numbers } = packed;
  const n = (k: number): number => numbers[i * IN_NUMBERS + k] as number;
  const s = (k: number): string => strings[i * IN_STRINGS + k] as string;
  const flags = n(13);
  const params: GenerationParams = { logprobs: n(11) === 1, logitBias: (flags & 1) !== 0, stream: (flags & 2) !== 0, reasoningRequested: (flags & 4) !== 0 };
  // Absent stays absent (not a key holding undefined), as in the exchange that was packed.
  if (!Number.isNaN(n(7))) params.maxTokens = n(7);
  if (!Number.isNaN(n(8))) params.temperature = n(8);
  if (!Number.isNaN(n(9))) params.topP = n(9);
  if (!Number.isNaN(n(10))) params.n = n(10);
  if (!Number.isNaN(n(12))) params.topLogprobs = n(12);
  if (!Number.isNaN(n(14))) params.thinkingBudget = n(14);
  if ((flags & 8) !== 0) params.reasoningEffort = s(3);
  // A follow-up's opening goes first, so the conversation key and the CoT scan of the opening turn
  // read it; the last turn stays last. The opening turn as the scan reads it (s(7)) holds the key's
  // head (its first OPENING_CHARS); where it is "", the first turn was the last one's words again.
  const last = s(0);
  const answer = s(4);
  const openingText = s(7);
  const assistantTurns = Array.from({ length: n(1) }, () => "");
  // The earlier answers as the demonstration scan reads them (the first, where sent, holds the opening's
  // answer head), or those a held conversation handed on, which are not the request's own turns.
  const shown = s(10) ? (JSON.parse(s(10)) as string[]) : [];
  const heldShown = (flags & 64) !== 0;
  if (!heldShown) shown.forEach((text, k) => (assistantTurns[k] = text));
  if (answer !== "" && (heldShown || shown.length === 0)) assistantTurns[0] = answer;
  const userTurns = answer !== "" ? [openingText !== "" ? openingText : last, s(5), last] : openingText !== "" ? [openingText, last] : [last];
  return blankExchange({
    ...((flags & 16) !== 0 ? { heldOpening: s(8) } : {}),
    ...((flags & 32) !== 0 ? { continues: s(9) } : {}),
    ...(heldShown ? { heldDemonstrations: shown } : {}),
    // Never "" when present: a schema naming no fields is none (see ingest's renderAnswerSchema).
    ...(s(11) !== "" ? { answerSchema: s(11) } : {}),
    userTurns: n(0) === 1 ? userTurns : [],
    system: s(1),
    tools: s(2) ? (JSON.parse(s(2)) as Exchange["tools"]) : [],
    assistantTurns,
    prefill: s(6),
    toolCalls: Array.from({ length: n(2) }, () => ""),
    toolResults: n(3),
    media: { image: n(4), audio: n(5), file: n(6) },
    params,
  });
}

/**
 * Packs signals one at a time as they are computed: a batch's RequestSignals never all exist at once,
 * so they die young instead of surviving garbage collections (which made the signal thread's
 * collections several times dearer).
 */
export class SignalPacker {
  readonly #strings: string[] = [];
  readonly #numbers: Float64Array<ArrayBuffer>;
  readonly #minhash: Uint32Array<ArrayBuffer>;
  #next = 0;

  constructor(count: number) {
    this.#numbers = new Float64Array(count * OUT_NUMBERS);
    this.#minhash = new Uint32Array(count * MINHASH);
  }

  /** The next exchange's signals, in batch order. */
  put(s: RequestSignals): void {
    const i = this.#next++;
    this.#strings.push(
      s.template.exact,
      "", // template.masked: see the note on PackedSignals
      s.template.frames.join(","), // hex hashes: no comma inside
      s.systemPromptHash ?? "",
      s.toolSchemaHash ?? "",
      s.cotEvidence.length > 0 ? JSON.stringify(s.cotEvidence) : "",
      s.params.reasons.length > 0 ? JSON.stringify(s.params.reasons) : "",
      s.conversationKey ?? "",
    );
    const numbers = this.#numbers;
    const o = i * OUT_NUMBERS;
    numbers[o] = s.extractionStyle;
    numbers[o + 1] = s.cotElicitation;
    numbers[o + 2] = DOMAINS.indexOf(s.topDomain);
    numbers[o + 3] = (s.template.templated ? 1 : 0) | (s.followUp ? 2 : 0) | (s.params.logitExtraction ? 4 : 0) | (s.params.multiSample ? 8 : 0) | (s.params.maxTokensAtCeiling ? 16 : 0) | (s.systemPromptHash === null ? 32 : 0) | (s.toolSchemaHash === null ? 64 : 0) | (s.conversationKey === null ? 128 : 0);
    numbers[o + 4] = s.promptChars;
    numbers[o + 5] = s.params.temperature ?? NaN;
    numbers[o + 6] = s.greedyPromptHash ?? NaN;
    for (let k = 0; k < DOMAINS.length; k++) numbers[o + DOMAIN_AT + k] = s.domains[DOMAINS[k] as Domain];
    this.#minhash.set(s.template.minhash, i * MINHASH);
  }

  packed(): PackedSignals {
    return { strings: this.#strings, numbers: this.#numbers, minhash: this.#minhash };
  }
}

/** The signals of `count` exchanges, packed one at a time as computed: what a signal thread sends back. */
export function packSignalsOf(count: number, exchangeAt: (i: number) => Exchange, model: ExtractionStyleModel): PackedSignals {
  const packer = new SignalPacker(count);
  for (let i = 0; i < count; i++) packer.put(requestSignals(exchangeAt(i), model));
  return packer.packed();
}

/**
 * The signals of a packed batch, computed from the packed inputs alone: what a signal thread does, and
 * what the main thread does when it takes a batch back, so both sides compute them one way.
 */
export function signalsOfInputs(inputs: PackedInputs, model: ExtractionStyleModel): PackedSignals {
  return packSignalsOf(inputCount(inputs), (i) => unpackInput(inputs, i), model);
}

export function signalCount(packed: PackedSignals): number {
  return packed.numbers.length / OUT_NUMBERS;
}

/** The i-th signals of a packed batch; unpacked when the engine reaches that exchange, for the same reason as SignalPacker. */
export function unpackSignal(packed: PackedSignals, i: number): RequestSignals {
  const { strings, numbers, minhash } = packed;
  const o = i * OUT_NUMBERS;
  const s = (k: number): string => strings[i * OUT_STRINGS + k] as string;
  const flags = numbers[o + 3] as number;
  const domains = {} as Record<Domain, number>;
  for (let k = 0; k < DOMAINS.length; k++) domains[DOMAINS[k] as Domain] = numbers[o + DOMAIN_AT + k] as number;
  const temperature = numbers[o + 5] as number;
  const greedyPromptHash = numbers[o + 6] as number;
  return {
    extractionStyle: numbers[o] as number,
    cotElicitation: numbers[o + 1] as number,
    cotEvidence: s(5) ? (JSON.parse(s(5)) as CotEvidence[]) : [],
    domains,
    topDomain: DOMAINS[numbers[o + 2] as number] as Domain,
    template: { masked: s(1), exact: s(0), templated: (flags & 1) !== 0, frames: s(2) === "" ? [] : s(2).split(","), minhash: minhash.subarray(i * MINHASH, (i + 1) * MINHASH) },
    systemPromptHash: (flags & 32) !== 0 ? null : s(3),
    toolSchemaHash: (flags & 64) !== 0 ? null : s(4),
    conversationKey: (flags & 128) !== 0 ? null : s(7),
    params: {
      logitExtraction: (flags & 4) !== 0,
      multiSample: (flags & 8) !== 0,
      maxTokensAtCeiling: (flags & 16) !== 0,
      temperature: Number.isNaN(temperature) ? null : temperature,
      reasons: s(6) ? (JSON.parse(s(6)) as string[]) : [],
    },
    followUp: (flags & 2) !== 0,
    promptChars: numbers[o + 4] as number,
    greedyPromptHash: Number.isNaN(greedyPromptHash) ? null : greedyPromptHash,
  };
}

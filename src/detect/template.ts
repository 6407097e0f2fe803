import { fnv1a32, hex32 } from "../core/index.js";
import { asRead } from "./as-read.js";

/**
 * Template signature: the prompt with its variable parts masked, so that one harness filling one
 * template with a million payloads yields one signature. MinHash over word shingles of the masked
 * text lets other levels find near-duplicates (templates edited slightly per account).
 */
/** [pattern, replacement, cheap precondition]: the precondition skips a regex pass that cannot match. */
const MASKS: Array<[RegExp, string, (t: string) => boolean]> = [
  [/```[\s\S]*?(?:```|$)/g, " ⟨code⟩ ", (t) => t.includes("```")],
  [/`[^`\n]{1,200}`/g, " ⟨code⟩ ", (t) => t.includes("`")],
  [/\$\$[\s\S]{1,2000}?\$\$|\$[^$\n]{1,400}\$|\\\[[\s\S]{1,2000}?\\\]|\\\([\s\S]{1,400}?\\\)/g, " ⟨math⟩ ", (t) => t.includes("$") || t.includes("\\")],
  [/https?:\/\/\S+/g, " ⟨url⟩ ", (t) => t.includes("://")],
  [/[\w.+-]+@[\w-]+\.[\w.]+/g, " ⟨email⟩ ", (t) => t.includes("@")],
  [/"[^"\n]{1,400}"|“[^”\n]{1,400}”|«[^»\n]{1,400}»|'[^'\n]{3,400}'/g, " ⟨quote⟩ ", (t) => /["“«']/.test(t)],
  // Full-width digits too, as Japanese and Chinese input methods type them ("３個で２１０円"): \d is ASCII only.
  [/\b\d+(?:[.,:/-]\d+)*%?|[０-９]+(?:[．，：／－][０-９]+)*[％%]?/g, " ⟨n⟩ ", (t) => /[\d０-９]/.test(t)],
  // Capitalised words not at a sentence start: names, places, products. The two characters before
  // are matched and put back rather than looked behind for: the same result, a quarter less time.
  [/([a-z,;:]\s)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*/g, "$1 ⟨name⟩ ", () => true],
];

export const FRAME_WORDS = 12;
export const MINHASH_SIZE = 32;
export const LSH_BANDS = 8;
export const LSH_ROWS = MINHASH_SIZE / LSH_BANDS;

/** The masks applied, line breaks kept (line frames are read from this). */
function applyMasks(text: string): string {
  let t = text.length > 3000 ? `${text.slice(0, 2000)}\n${text.slice(-1000)}` : text;
  for (const [re, token, applies] of MASKS) if (applies(t)) t = t.replace(re, token);
  return t;
}

const collapse = (t: string): string => t.toLowerCase().replace(/\s+/g, " ").trim();

export function maskPrompt(text: string): string {
  return collapse(applyMasks(asRead(text)));
}

export interface TemplateSignature {
  /** Masked text (truncated for display). */
  masked: string;
  /** Hash of the masked text: identical templates with different payloads collide here. */
  exact: string;
  /** Whether the masked text is long enough (≥ 8 words) to be a template rather than a stock phrase ("continue"). */
  templated: boolean;
  /**
   * Hashes of the frames: the opening and the closing words, lines and sentences of the masked prompt,
   * where harnesses put their instructions before or after the payload. Hex, except that a phrase anyone
   * may write (a sentence, a short line) carries a mark first (see isSentenceFrame, isPhraseFrame).
   * Empty when the prompt is too short to have both a frame and a payload.
   */
  frames: string[];
  /** MinHash over word 3-shingles of the masked text; a view of a shared block (see newSignature): copy it to keep it. */
  minhash: Uint32Array;
}

/**
 * 64-bit text hash as 16 hex digits: two FNV-1a lanes with different seeds, in one pass over the
 * text (hashing is a large share of per-request cost, and this runs several times per request).
 */
function hash64(s: string): string {
  return hash64Codes(s, EMPTY_CODES, 0, 0);
}

const EMPTY_CODES = new Uint16Array(0);

/** hash64(prefix + text) where text is the UTF-16 units codes[start, end): no string is built. */
function hash64Codes(prefix: string, codes: Uint16Array, start: number, end: number): string {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  for (let i = start; i < end; i++) {
    const c = codes[i] as number;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return hex32(a) + hex32(b);
}


/** What JavaScript's /\s/ matches, so the hand-written fold below agrees with collapse(). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The masked prompt folded as collapse() folds it (lower case, whitespace runs → one space, trimmed),
 * written as UTF-16 units into reused buffers with each word's start and FNV-1a hash, in one pass.
 * It replaces collapse + split + a hash per word string, which were half of what a signature cost.
 */
interface FoldedText {
  codes: Uint16Array;
  chars: number;
  wordStarts: Int32Array;
  wordHashes: Uint32Array;
  words: number;
}
const newFolded = (): FoldedText => ({ codes: new Uint16Array(4096), chars: 0, wordStarts: new Int32Array(4096), wordHashes: new Uint32Array(4096), words: 0 });
/** One buffer for the whole masked prompt, one for the line being framed (both are live at once). */
const promptBuffer = newFolded();
const lineBuffer = newFolded();

/**
 * Han characters, kana and the punctuation written with them: scripts written
 * without spaces, where each character is read as a word. Split on spaces alone, a Chinese prompt was
 * one or two "words": never templated, without frames, its MinHash one shingle, so a harness filling
 * one Chinese template with a million payloads linked nobody through it. Hangul is written with
 * spaces and is not here.
 */
function standsAlone(c: number): boolean {
  if (c <= 0x9fff) return c >= 0x3000;
  if (c < 0xff00) return c >= 0xf900 && c <= 0xfaff;
  // Full-width punctuation and half-width kana; full-width letters and digits (ＳＴＥＰ) make words as ASCII does.
  return (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff9f);
}

function fold(text: string, folded: FoldedText): FoldedText {
  const lower = text.toLowerCase();
  if (folded.codes.length < lower.length || folded.wordStarts.length <= lower.length) {
    folded.codes = new Uint16Array(lower.length * 2);
    folded.wordStarts = new Int32Array(lower.length + 1);
    folded.wordHashes = new Uint32Array(lower.length + 1);
  }
  const { codes, wordStarts, wordHashes } = folded;
  let n = 0;
  let words = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  let spaceBefore = false;
  let lastAlone = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (isSpace(c)) {
      if (inWord) {
        wordHashes[words - 1] = h >>> 0;
        inWord = false;
        spaceBefore = true;
      }
      continue;
    }
    const alone = c >= 0x3000 && standsAlone(c);
    // A character that stands alone ends the word before it and is one itself, with no space put in.
    if (inWord && (alone || lastAlone)) {
      wordHashes[words - 1] = h >>> 0;
      inWord = false;
    }
    if (!inWord) {
      if (spaceBefore) {
        codes[n++] = 32;
        spaceBefore = false;
      }
      wordStarts[words++] = n;
      h = 0x811c9dc5;
      inWord = true;
    }
    h = Math.imul(h ^ c, 0x01000193);
    codes[n++] = c;
    lastAlone = alone;
  }
  if (inWord) wordHashes[words - 1] = h >>> 0;
  folded.chars = n;
  folded.words = words;
  return folded;
}

/** At most this many shingles: a template's identity is settled long before, and cost stays bounded. */
const MAX_SHINGLES = 128;
const EMPTY = 0xffffffff;

/**
 * One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification (Shrivastava 2017):
 * each shingle is hashed once and kept as the minimum of its bin, instead of once per permutation,
 * which is 32× less work per request with the same similarity estimate.
 */
export function minhashOfWords(words: readonly string[]): Uint32Array {
  return minhashOfWordHashes(Uint32Array.from(words, (w) => fnv1a32(w)), words.length);
}

const FNV_OF_EMPTY = 0x811c9dc5;

/**
 * Signatures are cut from shared blocks: a typed array of its own has its buffer allocated outside
 * V8's heap, and cutting them from blocks made a signature ~5% faster (median of 40 interleaved
 * rounds over 20K bench-log prompts, three runs). A signature kept for long keeps its block (8 KB)
 * alive, so whoever keeps one copies it, as the link index does.
 */
const SIGNATURES_PER_BLOCK = 64;
let signatureBlock = new Uint32Array(0);
let signaturesCut = SIGNATURES_PER_BLOCK;

function newSignature(): Uint32Array {
  if (signaturesCut === SIGNATURES_PER_BLOCK) {
    signatureBlock = new Uint32Array(SIGNATURES_PER_BLOCK * MINHASH_SIZE).fill(EMPTY);
    signaturesCut = 0;
  }
  const at = MINHASH_SIZE * signaturesCut++;
  return signatureBlock.subarray(at, at + MINHASH_SIZE);
}

/** MinHash from the FNV-1a hashes of the first `count` words (what minhashOfWords hashes them to). */
function minhashOfWordHashes(hashes: Uint32Array, count: number): Uint32Array {
  const sig = newSignature();
  const n = Math.min(MAX_SHINGLES, Math.max(1, count - 2));
  const word = (i: number): number => (i < count ? (hashes[i] as number) : FNV_OF_EMPTY);
  let w0 = word(0);
  let w1 = word(1);
  for (let i = 0; i < n; i++) {
    const w2 = word(i + 2);
    // Word 3-shingle hash mixed arithmetically (no string per shingle), then a murmur3 finaliser.
    let h = (Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    const bin = h & (MINHASH_SIZE - 1);
    const value = h >>> 5;
    if (value < (sig[bin] as number)) sig[bin] = value;
    w0 = w1;
    w1 = w2;
  }
  // Densify: an empty bin takes the next non-empty bin's value (circularly), salted by the distance.
  for (let k = 0; k < MINHASH_SIZE; k++) {
    if (sig[k] !== EMPTY) continue;
    for (let d = 1; d < MINHASH_SIZE; d++) {
      const v = sig[(k + d) & (MINHASH_SIZE - 1)] as number;
      if (v !== EMPTY && v < 0x08000000) {
        sig[k] = (Math.imul(v ^ (d * 0x9e3779b1), 0x01000193) >>> 0) | 0x08000000;
        break;
      }
    }
  }
  return sig;
}

/**
 * A line shorter than this may be a phrase anyone writes ("Let's think step by step." on its own line).
 * It links as any line does, tested over many sessions, but is marked so that it is not shared as intel
 * (see isPhraseFrame).
 */
const SHORT_LINE_WORDS = 8;
/** Marks put before a frame's hex hash, so that whoever joins or shares families can tell phrases apart. */
const SHORT_LINE_MARK = "p";
const SENTENCE_FRAME_MARK = "s";

/**
 * Paragraph-level frames: harnesses put their instruction on its own line before or after the
 * payload; and the sentence frames of the same first and last lines (see sentenceFrames). Read from
 * the masked text with its line breaks, so the text is masked once per request.
 */
function lineFrames(premasked: string): string[] {
  const trimmed = premasked.trim();
  const firstBreak = trimmed.indexOf("\n");
  const out: string[] = [];
  const lastStart = firstBreak < 0 ? 0 : trimmed.lastIndexOf("\n") + 1;
  const firstLine = trimmed.slice(0, Math.min(firstBreak < 0 ? trimmed.length : firstBreak, 400));
  const lastLine = trimmed.slice(lastStart, lastStart + 400);
  if (firstBreak >= 0) {
    // A line only frames a template when it says something (≥ 5 words), not "thanks!" or "⟨n⟩".
    const first = fold(firstLine, lineBuffer);
    if (first.words >= 5) out.push((first.words < SHORT_LINE_WORDS ? SHORT_LINE_MARK : "") + hash64Codes("first ", first.codes, 0, first.chars));
    const last = fold(lastLine, lineBuffer);
    if (last.words >= 5) out.push((last.words < SHORT_LINE_WORDS ? SHORT_LINE_MARK : "") + hash64Codes("last ", last.codes, 0, last.chars));
  }
  out.push(...sentenceFrames(firstLine, lastLine));
  return out;
}

/** Fewer words than this is a courtesy or a heading ("Thanks!", "Hi there!"); "Show your work." is three. */
const SENTENCE_FRAME_WORDS = 3;

/**
 * Sentence-level frames: the first line's opening sentence and the last line's closing one, when the
 * line holds more than one. A harness that appends a short instruction on the payload's own line
 * ("…how many are left? Let's think step by step.") shares no 12-word frame and no line across its
 * requests; its sentence is the template. A ring of twelve aged accounts with a card and an address
 * each, whose every request ended so, was caught 6 of 12; the same ring with the sentence on a line of
 * its own, 12 of 12. But a stock sentence is everyone's: people who end some of their questions
 * "Let's think step by step." would share its family with any ring that does, so an account joins a
 * sentence's family only once the sentence ends most of what it sends (see AccountState.repeatsSentence).
 */
function sentenceFrames(firstLine: string, lastLine: string): string[] {
  const out: string[] = [];
  // Scanned by hand, forwards for the first stop and backwards for the last: with a regex over the
  // whole line, these frames cost 1.3 µs per corpus prompt; this way, 0.8.
  const first = firstLine.trimEnd();
  for (let i = 1; i < first.length - 1; i++) {
    const next = sentenceAfter(first, i);
    if (next < 0) continue;
    const lead = fold(first.slice(0, next), lineBuffer);
    if (lead.words >= SENTENCE_FRAME_WORDS) out.push(SENTENCE_FRAME_MARK + hash64Codes("lead ", lead.codes, 0, lead.chars));
    break;
  }
  const last = lastLine.trimEnd();
  for (let i = last.length - 2; i > 0; i--) {
    const next = sentenceAfter(last, i);
    if (next < 0) continue;
    const close = fold(last.slice(next), lineBuffer);
    if (close.words >= SENTENCE_FRAME_WORDS) out.push(SENTENCE_FRAME_MARK + hash64Codes("close ", close.codes, 0, close.chars));
    break;
  }
  return out;
}

/** Closing quotes and brackets, which may stand between a sentence's stop and the space after it. */
const isCloser = (c: number): boolean => c === 0x22 || c === 0x27 || c === 0x29 || c === 0x5d || c === 0x2019 || c === 0x201d;

/**
 * Where the next sentence starts when one ends at `i`, else -1: at a CJK stop (。！？), or at a space
 * after ".", "!" or "?" and any closing quotes or brackets.
 */
function sentenceAfter(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x3002 || c === 0xff01 || c === 0xff1f) return i + 1;
  if (!isSpace(c)) return -1;
  let j = i - 1;
  while (j > 0 && isCloser(text.charCodeAt(j))) j--;
  const stop = text.charCodeAt(j);
  return stop === 0x2e || stop === 0x21 || stop === 0x3f ? i + 1 : -1;
}

/** Whether a frame is a sentence frame (see sentenceFrames), not a 12-word or line frame. */
export function isSentenceFrame(frame: string): boolean {
  return frame.startsWith(SENTENCE_FRAME_MARK);
}

/**
 * Whether a frame may be a phrase anyone writes: a sentence frame or a short line. Shared as intel,
 * such a frame would match, at the receiver, every request of everyone who writes the phrase: its
 * watchlist matches per request, and its default policy strips reasoning on a single match.
 */
export function isPhraseFrame(frame: string): boolean {
  return frame.startsWith(SENTENCE_FRAME_MARK) || frame.startsWith(SHORT_LINE_MARK);
}

export function templateSignature(text: string): TemplateSignature {
  // Read as a person reads it: zero-width characters sprinkled afresh into each request would
  // otherwise make every request of one template a template of its own.
  const premasked = applyMasks(asRead(text));
  const { codes, chars, wordStarts, wordHashes, words } = fold(premasked, promptBuffer);
  const frames: string[] = [];
  if (words > FRAME_WORDS + 3) {
    // The first and last FRAME_WORDS words, joined by their single spaces (none between characters that stand alone).
    const next = wordStarts[FRAME_WORDS] as number;
    frames.push(hash64Codes("head ", codes, 0, codes[next - 1] === 32 ? next - 1 : next));
    frames.push(hash64Codes("tail ", codes, wordStarts[words - FRAME_WORDS] as number, chars));
  }
  frames.push(...lineFrames(premasked));
  return {
    masked: String.fromCharCode.apply(null, codes.subarray(0, Math.min(chars, 200)) as unknown as number[]),
    exact: hash64Codes("", codes, 0, chars),
    templated: words >= 8,
    frames,
    minhash: minhashOfWordHashes(wordHashes, words),
  };
}

export function minhashSimilarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** LSH band keys for a signature: two prompts sharing any band key are candidate near-duplicates. */
export function lshBands(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < LSH_ROWS; r++) {
      h ^= sig[b * LSH_ROWS + r] as number;
      h = Math.imul(h, 0x01000193);
    }
    keys.push(`${b}:${hex32(h)}`);
  }
  return keys;
}

/**
 * Near-duplicate index over MinHash signatures (banded LSH). Other levels add template signatures
 * with an owner (account) and ask which owners share a near-identical template.
 */
export class TemplateIndex {
  private readonly buckets = new Map<string, Set<string>>();
  private readonly maxBucket: number;
  constructor(maxBucket = 10_000) {
    this.maxBucket = maxBucket;
  }
  add(sig: Uint32Array, owner: string): void {
    for (const key of lshBands(sig)) {
      let set = this.buckets.get(key);
      if (!set) this.buckets.set(key, (set = new Set()));
      if (set.size < this.maxBucket) set.add(owner);
    }
  }
  /** Owners sharing at least one LSH band with `sig` (candidate near-duplicates). */
  query(sig: Uint32Array): Set<string> {
    const out = new Set<string>();
    for (const key of lshBands(sig)) for (const o of this.buckets.get(key) ?? []) out.add(o);
    return out;
  }
  get size(): number {
    return this.buckets.size;
  }
}

export function stableHash(text: string): string {
  return hash64(text);
}

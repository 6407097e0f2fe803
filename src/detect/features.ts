import { fnv1a32 } from "../core/index.js";
import { asRead } from "./as-read.js";

/** Hashed feature space for the extraction-style model. 2^18 buckets keeps collisions rare for ~200K distinct n-grams. */
export const FEATURE_BITS = 18;
const MASK = (1 << FEATURE_BITS) - 1;
/** Only the head and tail of long prompts are read: bounds cost per request and keeps length from dominating. */
export const MAX_MODEL_CHARS = 1200;

/** Words are /[\p{L}\p{N}][\p{L}\p{N}'’_-]*‍/u; scanned by hand (see wordSpans) because matchAll cost a sixth of all signals. */
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** BMP code unit → 1 letter/digit, 2 not, 0 not yet known. Filled lazily; astral characters are tested each time. */
const BMP_CLASS = new Uint8Array(0x10000);

function isLetterOrDigit(code: number, text: string, i: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  if (code >= 0xd800 && code <= 0xdbff) return LETTER_OR_DIGIT.test(String.fromCodePoint(text.codePointAt(i) ?? code));
  let k = BMP_CLASS[code] as number;
  if (k === 0) {
    k = LETTER_OR_DIGIT.test(String.fromCharCode(code)) ? 1 : 2;
    BMP_CLASS[code] = k;
  }
  return k === 1;
}

const isJoiner = (code: number): boolean => code === 39 || code === 0x2019 || code === 95 || code === 45;

function clip(text: string): string {
  if (text.length <= MAX_MODEL_CHARS) return text;
  return `${text.slice(0, MAX_MODEL_CHARS * 0.75)} ${text.slice(-MAX_MODEL_CHARS * 0.25)}`;
}

/**
 * De-duplication in a bitset over the feature space (2^18 bits, 32 KB per thread): a feature already
 * seen in this prompt is one load and a test, where the open-addressing table it replaced hashed
 * the feature to a slot and probed. The words holding the bits set are cleared from the
 * previous prompt's feature list at the start of the next, so nothing is cleared wholesale.
 */
const seen = new Uint32Array(1 << (FEATURE_BITS - 5));
/** A clipped prompt yields well under this many distinct features. */
const MAX_FEATURES = 4096;
const scratch = new Uint32Array(MAX_FEATURES);
let previousCount = 0;

/** Adds feature f unless already present in this prompt; returns the new count. */
function put(f: number, n: number): number {
  const word = f >>> 5;
  const bit = 1 << (f & 31);
  const bits = seen[word] as number;
  if ((bits & bit) !== 0 || n >= MAX_FEATURES) return n;
  seen[word] = bits | bit;
  scratch[n] = f;
  return n + 1;
}

const LOWER_START = fnv1a32("§lowerstart") & MASK;
const OTHER_START = fnv1a32("§otherstart") & MASK;
const ENDS_Q = fnv1a32("§q") & MASK;
const ENDS_DOT = fnv1a32("§dot") & MASK;
const ENDS_NONE = fnv1a32("§noend") & MASK;
const PARAGRAPHS = fnv1a32("§paragraphs") & MASK;

/**
 * Sparse binary features of a prompt: lowercased word unigrams and bigrams, character 4-grams, and a
 * few style marks (casing, trailing punctuation, paragraphs) that separate typed text from generated
 * task lists. De-duplicated; the model L2-normalises so that long prompts do not score higher for length.
 */
export function promptFeatures(rawText: string): Uint32Array {
  return featuresInScratch(rawText).slice();
}

/**
 * The features of a prompt as a view of a buffer reused by the next call: scoring reads them once
 * and keeps nothing, so the copy promptFeatures makes is skipped on the hot path.
 */
export function featuresInScratch(rawText: string): Uint32Array {
  // Read as a person reads it (see asRead): zero-width characters would split the words the models weigh.
  const text = clip(asRead(rawText));
  const lower = text.toLowerCase();
  for (let k = 0; k < previousCount; k++) seen[(scratch[k] as number) >>> 5] = 0;
  // No closures over mutable locals here: V8 moves such locals into a heap context, and every
  // access then costs a load and a store; that made this loop several times slower.
  let n = 0;
  let prev = 0;
  // Word unigrams and bigrams, each word hashed in place (FNV-1a over its UTF-16 units, as before).
  let i = 0;
  const len = lower.length;
  while (i < len) {
    const c = lower.charCodeAt(i);
    if (!isLetterOrDigit(c, lower, i)) {
      i++;
      continue;
    }
    let h = 0x9e3779b1;
    let j = i;
    while (j < len) {
      const d = lower.charCodeAt(j);
      const astral = d >= 0xd800 && d <= 0xdbff && j + 1 < len;
      if (j > i && !isJoiner(d) && !isLetterOrDigit(d, lower, j)) break;
      h = Math.imul(h ^ d, 0x01000193);
      if (astral) {
        h = Math.imul(h ^ lower.charCodeAt(j + 1), 0x01000193);
        j += 2;
      } else j++;
    }
    h >>>= 0;
    n = put(h & MASK, n);
    if (prev !== 0) n = put((Math.imul(prev ^ 0x85ebca6b, 0x01000193) ^ h) & MASK, n);
    prev = h | 1;
    i = j;
  }
  // Char 4-grams over whitespace-folded text, hashed in place.
  let c0 = 32;
  let c1 = 32;
  let c2 = 32;
  let lastSpace = true;
  for (let k = 0; k <= len; k++) {
    let c3: number;
    if (k === len) {
      if (lastSpace) break;
      c3 = 32; // the text's last word ends as if followed by a space
    } else {
      c3 = lower.charCodeAt(k);
      const space = c3 === 32 || c3 === 10 || c3 === 9 || c3 === 13;
      if (space) {
        if (lastSpace) continue;
        c3 = 32;
      }
      lastSpace = space;
    }
    let h = 0xc2b2ae35;
    h = Math.imul(h ^ c0, 0x01000193);
    h = Math.imul(h ^ c1, 0x01000193);
    h = Math.imul(h ^ c2, 0x01000193);
    h = Math.imul(h ^ c3, 0x01000193);
    n = put((h >>> 0) & MASK, n);
    c0 = c1;
    c1 = c2;
    c2 = c3;
  }
  const trimmed = text.trim();
  const first = trimmed.charAt(0);
  n = put(first !== "" && first === first.toLowerCase() && first !== first.toUpperCase() ? LOWER_START : OTHER_START, n);
  n = put(trimmed.endsWith("?") ? ENDS_Q : trimmed.endsWith(".") ? ENDS_DOT : ENDS_NONE, n);
  if (/\n\s*\n/.test(text)) n = put(PARAGRAPHS, n);
  previousCount = n;
  return scratch.subarray(0, n);
}

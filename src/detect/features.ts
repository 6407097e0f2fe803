import { fnv1a32 } from "../core/index.js";

/** Hashed feature space for the extraction-style model. 2^18 buckets keeps collisions rare for ~200K distinct n-grams. */
export const FEATURE_BITS = 18;
const MASK = (1 << FEATURE_BITS) - 1;
/** Only the head and tail of very long prompts are read: bounds cost per request and keeps length from dominating. */
export const MAX_MODEL_CHARS = 2000;

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

function clip(text: string): string {
  if (text.length <= MAX_MODEL_CHARS) return text;
  return `${text.slice(0, MAX_MODEL_CHARS * 0.75)} ${text.slice(-MAX_MODEL_CHARS * 0.25)}`;
}

/**
 * Sparse binary features of a prompt: lowercased word unigrams and bigrams, character 4-grams, and a
 * few style marks (casing, trailing question mark) that separate typed text from generated task lists.
 * Returned de-duplicated; the model L2-normalises so that long prompts do not score higher for length.
 */
export function promptFeatures(rawText: string): Uint32Array {
  const text = clip(rawText);
  const lower = text.toLowerCase();
  const set = new Set<number>();
  let prev = "";
  for (const m of lower.matchAll(WORD)) {
    const w = m[0];
    set.add(fnv1a32(w, 0x9e3779b1) & MASK);
    if (prev) set.add(fnv1a32(`${prev} ${w}`, 0x85ebca6b) & MASK);
    prev = w;
  }
  // Char 4-grams hashed without building substrings (hot path).
  const s = ` ${lower.replace(/\s+/g, " ")} `;
  for (let i = 0; i + 4 <= s.length; i++) {
    let h = 0xc2b2ae35;
    for (let k = 0; k < 4; k++) {
      h ^= s.charCodeAt(i + k);
      h = Math.imul(h, 0x01000193);
    }
    set.add((h >>> 0) & MASK);
  }
  const trimmed = text.trim();
  const first = trimmed.charAt(0);
  set.add(fnv1a32(first !== "" && first === first.toLowerCase() && first !== first.toUpperCase() ? "§lowerstart" : "§otherstart") & MASK);
  set.add(fnv1a32(trimmed.endsWith("?") ? "§q" : trimmed.endsWith(".") ? "§dot" : "§noend") & MASK);
  if (/\n\s*\n/.test(text)) set.add(fnv1a32("§paragraphs") & MASK);
  return Uint32Array.from(set);
}

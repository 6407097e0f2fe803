/**
 * Withholding reasoning is the one output-side defence published experiments found to reliably
 * hurt a student model, so the gateway can remove thinking content from answers or replace it by a
 * short summary, for all three wire formats, streamed or not.
 */
export type ReasoningMode = "strip" | "summarise";

/**
 * What a summary needs of reasoning that arrives in pieces: the head of its whitespace-collapsed text
 * (`maxChars` of it) and how long all of it is. Bounded whatever the upstream sends: the summary mode
 * held every withheld character until the block ended, as long as the upstream's answer.
 */
export class ReasoningDigest {
  #head = "";
  #length = 0;
  /** Whitespace seen since the last non-space character, to be counted as one space if more text follows. */
  #pendingSpace = false;

  constructor(private readonly maxChars: number) {}

  push(text: string): void {
    if (text === "") return;
    const collapsed = text.replace(/\s+/g, " ");
    const leading = collapsed.startsWith(" ");
    const trailing = collapsed.endsWith(" ");
    const body = collapsed.slice(leading ? 1 : 0, trailing ? collapsed.length - 1 : collapsed.length);
    if (body === "") {
      if (this.#length > 0) this.#pendingSpace = true;
      return;
    }
    const piece = this.#length > 0 && (this.#pendingSpace || leading) ? ` ${body}` : body;
    this.#length += piece.length;
    // One character past the window: enough to tell that the text went on beyond it.
    if (this.#head.length <= this.maxChars) this.#head += piece.slice(0, this.maxChars + 1 - this.#head.length);
    this.#pendingSpace = trailing;
  }

  /** A short lead of the reasoning (up to its first sentence end within `maxChars`) and what was withheld. */
  summary(): string {
    const note = `[reasoning summarised by provider policy; ${this.#length} characters withheld]`;
    if (this.maxChars <= 0 || this.#length === 0) return note;
    const window = this.#head.slice(0, this.maxChars);
    const end = Math.max(window.lastIndexOf(". "), window.lastIndexOf("? "), window.lastIndexOf("! "));
    const lead = end > 40 ? window.slice(0, end + 1) : window.length < this.#length ? `${window.trimEnd()}…` : window;
    return `${lead} ${note}`;
  }
}

/** A short lead of the reasoning (up to its first sentence end within `maxChars`) and what was withheld. */
export function summariseReasoning(text: string, maxChars: number): string {
  const digest = new ReasoningDigest(maxChars);
  digest.push(text);
  return digest.summary();
}

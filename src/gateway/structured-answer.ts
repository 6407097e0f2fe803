import { isJsonObject } from "../core/index.js";
import { answerFieldName } from "../ingest/index.js";
import { ReasoningDigest, summariseReasoning, type ReasoningMode } from "./reasoning-digest.js";

type Obj = Record<string, unknown>;

/** A structured answer bigger than this is passed as it is: parsing it would cost more than the edit is worth (answers run to kilobytes). */
const MAX_STRUCTURED_ANSWER_CHARS = 1 << 20;

/** Whether an answer's key is the field the schema's reading named: names are read as rendered ("step by step" as "step_by_step"). */
const isField = (key: string, field: string): boolean => key === field || answerFieldName(key) === field;

/**
 * A structured answer (a JSON object, as text or as a tool call's input) with its reasoning field
 * emptied or summarised: a string field becomes "" or its summary, a list [] and an object {}, so that
 * the client's parser still reads the type it declared. Anything that is not such an object, or does not
 * hold the field, is returned as it was.
 */
function withoutReasoningField<T>(answer: T, field: string, mode: ReasoningMode, maxChars: number): T {
  if (!isJsonObject(answer)) return answer;
  const key = Object.hasOwn(answer, field) ? field : Object.keys(answer).find((k) => isField(k, field));
  if (key === undefined) return answer;
  const value = answer[key];
  const emptied = typeof value === "string" ? (mode === "summarise" ? summariseReasoning(value, maxChars) : "") : Array.isArray(value) ? [] : isJsonObject(value) ? {} : value;
  return { ...answer, [key]: emptied };
}

/** The same for an answer written as JSON text (a content string, a tool call's `arguments`); other text is returned as it was. */
function withoutReasoningFieldInText(text: string, field: string, mode: ReasoningMode, maxChars: number): string {
  if (text.length > MAX_STRUCTURED_ANSWER_CHARS || !text.trimStart().startsWith("{")) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const edited = withoutReasoningField(parsed, field, mode, maxChars);
  return edited === parsed ? text : JSON.stringify(edited);
}

/**
 * Where a request demanded a structured answer with a field for its reasoning ({"reasoning", "answer"}),
 * the reasoning is in the answer itself, which no thinking field marks: that field, emptied in an answer
 * written as JSON text (`text`: a message's text, a tool call's `arguments`) or as an object (`input`:
 * an Anthropic tool_use block's).
 */
export interface StructuredEdit {
  text: (text: string) => string;
  input: (answer: unknown) => unknown;
}

/** The edit for `field`; null when the request demanded no such field. */
export function structuredEdit(field: string | null, mode: ReasoningMode, maxChars: number): StructuredEdit | null {
  if (field === null) return null;
  return { text: (text) => withoutReasoningFieldInText(text, field, mode, maxChars), input: (answer) => withoutReasoningField(answer, field, mode, maxChars) };
}

/** A function call's JSON `arguments` (chat's tool calls, Responses' function_call items) with the edit applied. */
export function editedArguments(call: Obj, edit: StructuredEdit): Obj {
  return typeof call.arguments === "string" ? { ...call, arguments: edit.text(call.arguments) } : call;
}

/** Longer than any field name a schema's reader hands over (they are bounded when the schema is rendered). */
const MAX_KEY_CHARS = 256;

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/** A JSON key as written (escapes and all) read as the name it stands for. */
function keyName(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The character a string escape stands for, as JSON.parse reads it (a \uXXXX escape is read after its digits). */
const ESCAPED: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", '"': '"', "\\": "\\", "/": "/" };

/**
 * A structured answer streamed as pieces of its JSON text (chat deltas, Responses text and argument
 * deltas, Anthropic text and input_json deltas) with one top-level field's value withheld as the pieces
 * pass: a string goes out as "" (or as its summary when it ends), a list as [] and an object as {}, as
 * withoutReasoningField does to a whole answer; every other character goes out as soon as it comes.
 * Text that does not open with an object passes untouched. Written by hand: the streaming JSON parsers
 * hand out parsed values, and what must go out here is the text itself, piece by piece, less one value.
 * Holds nothing but its place in the text and, when summarising, a bounded digest.
 */
export class StreamedFieldEraser {
  #phase: "lead" | "object" | "passing" = "lead";
  /** Open objects and lists, the answer's own counted: the field is a member at depth 1. */
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Where a member of the answer's object is being read: its key, the colon, the start of its value, or past that. */
  #member: "key" | "colon" | "value" | "rest" = "key";
  #readingKey = false;
  #key = "";
  /** The value being withheld: a string, or a list or object and the depth it closes back to. */
  #erasing: "string" | "container" | null = null;
  #closer = "";
  #digest: ReasoningDigest | null = null;
  /** The hex digits of a \uXXXX escape in a string being summarised. */
  #unicode: string | null = null;
  /** The withheld string's text read in this piece, handed to the digest once a piece rather than a character at a time. */
  #unread = "";

  constructor(
    private readonly field: string,
    private readonly mode: ReasoningMode,
    private readonly maxChars: number,
  ) {}

  push(piece: string): string {
    if (this.#phase === "passing") return piece;
    let out = "";
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i] as string;
      if (this.#phase === "lead") {
        if (WHITESPACE.has(c)) {
          out += c;
          continue;
        }
        if (c !== "{") {
          this.#phase = "passing";
          return out + piece.slice(i);
        }
        this.#phase = "object";
        this.#depth = 1;
        out += c;
        continue;
      }
      // The answer's object closed on an earlier character: the rest is not its members.
      if (this.#closed()) return out + piece.slice(i);
      if (this.#erasing === "string") out += this.#eraseString(c);
      else if (this.#erasing === "container") out += this.#eraseContainer(c);
      else out += this.#read(c);
    }
    this.#digestUnread();
    return out;
  }

  #closed(): boolean {
    return this.#phase === "passing";
  }

  #digestUnread(): void {
    if (this.#unread === "") return;
    this.#digest?.push(this.#unread);
    this.#unread = "";
  }

  /** One character inside a string (not a withheld one: see eraseString): whether it was the closing quote. */
  #closesString(c: string): boolean {
    if (this.#escaped) this.#escaped = false;
    else if (c === "\\") this.#escaped = true;
    else if (c === '"') {
      this.#inString = false;
      return true;
    }
    return false;
  }

  /** One character of the answer outside the withheld value: what goes out for it. */
  #read(c: string): string {
    if (this.#inString) {
      if (this.#closesString(c) && this.#readingKey) {
        this.#readingKey = false;
        this.#member = "colon";
        return c;
      }
      // A key longer than any field name is no match; kept short so an upstream's giant key holds nothing.
      if (this.#readingKey && this.#key.length <= MAX_KEY_CHARS) this.#key += c;
      return c;
    }
    if (WHITESPACE.has(c)) return c;
    const starts = this.#depth === 1 && this.#member === "value";
    if (starts) {
      this.#member = "rest";
      if (isField(keyName(this.#key), this.field)) {
        if (c === '"') {
          this.#erasing = "string";
          this.#digest = this.mode === "summarise" ? new ReasoningDigest(this.maxChars) : null;
          return c;
        }
        if (c === "[" || c === "{") {
          this.#erasing = "container";
          this.#closer = c === "[" ? "]" : "}";
          this.#depth++;
          return c;
        }
      }
    }
    if (c === '"') {
      this.#inString = true;
      if (this.#depth === 1 && this.#member === "key") {
        this.#readingKey = true;
        this.#key = "";
      }
    } else if (c === ":" && this.#depth === 1 && this.#member === "colon") this.#member = "value";
    else if (c === "," && this.#depth === 1) this.#member = "key";
    else if (c === "{" || c === "[") this.#depth++;
    else if (c === "}" || c === "]") {
      this.#depth--;
      // The answer's object has closed: whatever follows is not its members.
      if (this.#depth === 0) this.#phase = "passing";
    }
    return c;
  }

  /** One character of a withheld string: nothing goes out until it closes, then its summary or nothing. */
  #eraseString(c: string): string {
    const digest = this.#digest;
    if (this.#unicode !== null) {
      this.#unicode += c;
      if (this.#unicode.length === 4) {
        this.#unread += String.fromCharCode(Number.parseInt(this.#unicode, 16) || 0x20);
        this.#unicode = null;
      }
      return "";
    }
    if (this.#escaped) {
      this.#escaped = false;
      if (c === "u") this.#unicode = digest ? "" : null;
      else if (digest) this.#unread += ESCAPED[c] ?? c;
      return "";
    }
    if (c === "\\") {
      this.#escaped = true;
      return "";
    }
    if (c !== '"') {
      if (digest) this.#unread += c;
      return "";
    }
    this.#digestUnread();
    this.#erasing = null;
    this.#digest = null;
    // The summary as the inside of a JSON string, with the closing quote.
    return digest ? JSON.stringify(digest.summary()).slice(1) : c;
  }

  /** One character of a withheld list or object: nothing goes out until it closes, then its closing bracket. */
  #eraseContainer(c: string): string {
    if (this.#inString) {
      this.#closesString(c);
      return "";
    }
    if (c === '"') this.#inString = true;
    else if (c === "{" || c === "[") this.#depth++;
    else if (c === "}" || c === "]") {
      this.#depth--;
      if (this.#depth === 1) {
        this.#erasing = null;
        return this.#closer;
      }
    }
    return "";
  }
}

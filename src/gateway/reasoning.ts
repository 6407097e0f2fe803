import { isJsonObject, type WireApi } from "../core/index.js";
import { ReasoningDigest, summariseReasoning, type ReasoningMode } from "./reasoning-digest.js";
import { editedArguments, StreamedFieldEraser, structuredEdit, type StructuredEdit } from "./structured-answer.js";

type Obj = Record<string, unknown>;

/**
 * Reasoning written into the answer's own text, inside tags: open-weight reasoning models served with
 * no reasoning parser put it in `<think>…</think>` at the head of `content`, and a harness that asks
 * for "your thinking inside <thinking> tags, then the answer" gets it there from any model. Stripping
 * the APIs' thinking fields leaves all of that, so the same policy action cuts it here too.
 *
 * Only blocks at the head of a text count (one after another, whitespace between): that is where
 * both put them, and a tag named further on is more likely an answer that talks about tags.
 */
export interface TagPair {
  open: string;
  close: string;
}

const TAG_PAIRS: readonly TagPair[] = [
  // "analysis": the reasoning channel's name in the reasoning models' own format, which harnesses ask for ("<analysis>…</analysis><final>…</final>").
  ...["think", "thinking", "thought", "thoughts", "reasoning", "scratchpad", "inner_monologue", "chain_of_thought", "analysis"].map((name) => ({ open: `<${name}>`, close: `</${name}>` })),
  { open: "<|begin_of_thought|>", close: "<|end_of_thought|>" },
];

/** A closing tag with no opening before it: the chat templates of DeepSeek-R1 and its distillations put `<think>` in the prompt. */
const ORPHAN_CLOSE = "</think>";

/**
 * The reasoning tag a prefill leaves open ("<thinking>", "<think>\nFirst, "): the answer continues inside
 * it, so its text is reasoning up to that tag's close, though no tag opens in the answer itself. A
 * harness that prefills the tag gets reasoning written out without asking for it in words (the CoT
 * scan's prefill-thinking-tag); without this, a streamed answer sent it all before its close showed it.
 */
export function tagOpenedByPrefill(prefill: string): TagPair | null {
  if (prefill === "") return null;
  const lower = prefill.toLowerCase();
  let open: TagPair | null = null;
  let at = -1;
  for (const pair of TAG_PAIRS) {
    const i = lower.lastIndexOf(pair.open);
    if (i > at && !lower.includes(pair.close, i)) {
      open = pair;
      at = i;
    }
  }
  return open;
}

/**
 * Cuts leading tagged reasoning from a text that arrives in pieces, holding back no more than a tag's
 * length of it (plus, when summarising, the reasoning being summarised). `push` returns what may go
 * out now; `end` what is left when the text is complete.
 */
export class LeadingReasoningCutter {
  /** Past the head: the answer has begun, and everything goes out as it comes. */
  #answering = false;
  /** The block being cut, while inside one. */
  #inside: TagPair | null = null;
  /** At the head: text that may still open a block; inside one: a tail that may hold its closing tag. */
  #held = "";
  #withheld: ReasoningDigest;
  #cut = false;
  /** Inside a block the prefill opened: its opening tag is the client's own, so a summary goes out without it. */
  #openedByPrefill: boolean;

  /** `startsInside`: the tag the request's prefill left open (tagOpenedByPrefill), whose block this text continues. */
  constructor(
    private readonly mode: ReasoningMode,
    private readonly maxChars: number,
    startsInside: TagPair | null = null,
  ) {
    this.#inside = startsInside;
    this.#openedByPrefill = startsInside !== null;
    this.#withheld = new ReasoningDigest(maxChars);
  }

  push(piece: string): string {
    let text = this.#held + piece;
    this.#held = "";
    let out = "";
    while (text.length > 0) {
      const inside = this.#inside;
      if (inside) {
        const at = text.toLowerCase().indexOf(inside.close);
        if (at < 0) {
          const keep = Math.max(0, text.length - (inside.close.length - 1));
          this.#withhold(text.slice(0, keep));
          this.#held = text.slice(keep);
          return out;
        }
        this.#withhold(text.slice(0, at));
        out += this.#closeBlock(inside);
        text = text.slice(at + inside.close.length);
        continue;
      }
      if (this.#answering) return out + text;
      const rest = text.trimStart();
      if (rest === "") {
        this.#held = text;
        return out;
      }
      const lower = rest.slice(0, 24).toLowerCase();
      const pair = TAG_PAIRS.find((p) => lower.startsWith(p.open));
      if (pair) {
        this.#inside = pair;
        text = rest.slice(pair.open.length);
        continue;
      }
      if (TAG_PAIRS.some((p) => p.open.startsWith(lower))) {
        this.#held = text;
        return out;
      }
      this.#answering = true;
      // The whitespace after a cut block would open the answer with blank lines.
      return out + (this.#cut ? rest : text);
    }
    return out;
  }

  /** What is left once the text is complete: a partial tag that never opened, or the summary of a block the answer's end cut short. */
  end(): string {
    const held = this.#held;
    this.#held = "";
    const inside = this.#inside;
    this.#answering = true;
    if (inside) {
      this.#withhold(held);
      return this.#closeBlock(inside);
    }
    return held;
  }

  #withhold(text: string): void {
    if (this.mode === "summarise") this.#withheld.push(text);
  }

  #closeBlock(pair: TagPair): string {
    this.#inside = null;
    this.#cut = true;
    const withheld = this.#withheld;
    this.#withheld = new ReasoningDigest(this.maxChars);
    const open = this.#openedByPrefill ? "" : pair.open;
    this.#openedByPrefill = false;
    return this.mode === "summarise" ? `${open}${withheld.summary()}${pair.close}\n\n` : "";
  }
}

/** A whole text's leading tagged reasoning cut, as the streaming cutter would cut it. */
export function cutLeadingReasoning(text: string, mode: ReasoningMode, maxChars: number, startsInside: TagPair | null = null): string {
  const cutter = new LeadingReasoningCutter(mode, maxChars, startsInside);
  return cutter.push(text) + cutter.end();
}

/**
 * The same for an answer that arrived whole: also reasoning closed by `</think>` that no tag opened
 * (a streamed answer has gone out before such a tag shows it was reasoning).
 */
export function cutReasoningOfWholeText(text: string, mode: ReasoningMode, maxChars: number, startsInside: TagPair | null = null): string {
  if (startsInside) return cutLeadingReasoning(text, mode, maxChars, startsInside);
  const close = text.indexOf(ORPHAN_CLOSE);
  if (close >= 0 && !text.slice(0, close).includes("<think>")) {
    const reasoning = text.slice(0, close);
    const rest = text.slice(close + ORPHAN_CLOSE.length).trimStart();
    const kept = mode === "summarise" ? `<think>${summariseReasoning(reasoning, maxChars)}</think>\n\n` : "";
    return kept + cutLeadingReasoning(rest, mode, maxChars);
  }
  return cutLeadingReasoning(text, mode, maxChars);
}

const OPENAI_REASONING_FIELDS = ["reasoning_content", "reasoning", "reasoning_details"] as const;

function reasoningTextOfResponsesItem(item: Obj): string {
  const parts = [...(Array.isArray(item.content) ? item.content : []), ...(Array.isArray(item.summary) ? item.summary : [])];
  return parts.map((p) => (isJsonObject(p) && typeof p.text === "string" ? p.text : "")).join("\n");
}

function summarisedResponsesItem(item: Obj, maxChars: number): Obj {
  return { type: "reasoning", id: item.id, summary: [{ type: "summary_text", text: summariseReasoning(reasoningTextOfResponsesItem(item), maxChars) }] };
}

/** How an answer's text loses its leading tagged reasoning: whole (non-streaming) or as the deltas streamed it. */
type TextCut = (text: string) => string;

/** Each text part of a content array (chat's and Responses' message parts, Anthropic's blocks) cut at its head. */
function cutTextParts(parts: unknown[], textType: string, cut: TextCut): unknown[] {
  return parts.map((part) => (isJsonObject(part) && part.type === textType && typeof part.text === "string" ? { ...part, text: cut(part.text) } : part));
}

function cutMessageItem(item: unknown, cut: TextCut): unknown {
  if (!isJsonObject(item) || item.type !== "message" || !Array.isArray(item.content)) return item;
  return { ...item, content: cutTextParts(item.content, "output_text", cut) };
}

function transformResponsesOutput(output: unknown, mode: ReasoningMode, maxChars: number, cut: TextCut, edit: StructuredEdit | null): unknown {
  if (!Array.isArray(output)) return output;
  const answers = output.map((item) => (edit !== null && isJsonObject(item) && item.type === "function_call" ? editedArguments(item, edit) : cutMessageItem(item, cut)));
  if (mode === "strip") return answers.filter((item) => !(isJsonObject(item) && item.type === "reasoning"));
  return answers.map((item) => (isJsonObject(item) && item.type === "reasoning" ? summarisedResponsesItem(item, maxChars) : item));
}

/** Cuts texts in order with `cut`, the first of them inside the block the prefill left open: the answer's first text part is what continues the prefill. */
function firstContinuesPrefill(startsInside: TagPair | null, cut: (text: string, inside: TagPair | null) => string): TextCut {
  let open = startsInside;
  return (text) => {
    const inside = open;
    open = null;
    return cut(text, inside);
  };
}

/** Whole texts of a non-streamed answer, cut in order (see firstContinuesPrefill). */
const cutContinuingPrefill = (mode: ReasoningMode, maxChars: number, startsInside: TagPair | null): TextCut =>
  firstContinuesPrefill(startsInside, (text, inside) => cutReasoningOfWholeText(text, mode, maxChars, inside));

/** A whole text's cut followed by the schema's reasoning field edit, where the request demanded one. */
const thenEdited = (cut: TextCut, edit: StructuredEdit | null): TextCut => (edit === null ? cut : (text) => edit.text(cut(text)));

/**
 * Non-streaming answer: returns the body with reasoning removed or summarised (fields, blocks and leading
 * tagged text, and `reasoningField` of a structured answer); other fields untouched. `startsInside`: the
 * tag the request's prefill left open (tagOpenedByPrefill).
 */
export function transformReasoning(api: WireApi, body: unknown, mode: ReasoningMode, maxChars: number, startsInside: TagPair | null = null, reasoningField: string | null = null): unknown {
  if (!isJsonObject(body)) return body;
  const edit = structuredEdit(reasoningField, mode, maxChars);
  // An answer's texts lose their leading tagged reasoning, then the schema's reasoning field.
  const textCut = (): TextCut => thenEdited(cutContinuingPrefill(mode, maxChars, startsInside), edit);
  if (api === "openai.chat") {
    if (!Array.isArray(body.choices)) return body;
    const choices = body.choices.map((choice) => {
      if (!isJsonObject(choice) || !isJsonObject(choice.message)) return choice;
      const message: Obj = { ...choice.message };
      const text = typeof message.reasoning_content === "string" ? message.reasoning_content : typeof message.reasoning === "string" ? message.reasoning : "";
      const had = OPENAI_REASONING_FIELDS.some((f) => f in message);
      for (const f of OPENAI_REASONING_FIELDS) delete message[f];
      if (had && mode === "summarise") message.reasoning_content = summariseReasoning(text, maxChars);
      // Every choice continues the prefill.
      const cut = textCut();
      if (typeof message.content === "string") message.content = cut(message.content);
      else if (Array.isArray(message.content)) message.content = cutTextParts(message.content, "text", cut);
      if (edit !== null && Array.isArray(message.tool_calls)) {
        message.tool_calls = message.tool_calls.map((c) => (isJsonObject(c) && isJsonObject(c.function) ? { ...c, function: editedArguments(c.function, edit) } : c));
      }
      return { ...choice, message };
    });
    return { ...body, choices };
  }
  const cut = textCut();
  if (api === "openai.responses") return { ...body, output: transformResponsesOutput(body.output, mode, maxChars, cut, edit) };
  if (!Array.isArray(body.content)) return body;
  const content: unknown[] = [];
  for (const block of cutTextParts(body.content, "text", cut)) {
    const thinking = isJsonObject(block) && (block.type === "thinking" || block.type === "redacted_thinking");
    if (edit !== null && isJsonObject(block) && block.type === "tool_use") content.push({ ...block, input: edit.input(block.input) });
    else if (!thinking) content.push(block);
    else if (mode === "summarise") content.push({ type: "thinking", thinking: summariseReasoning(typeof block.thinking === "string" ? block.thinking : "", maxChars) });
  }
  return { ...body, content };
}

interface SseEvent {
  event: string | null;
  data: string;
}

function parseEvent(raw: string): SseEvent {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { event, data: data.join("\n") };
}

function formatEvent(event: string | null, data: unknown): string {
  return `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}`;
}

/**
 * Filters one SSE stream event by event. Holds no more than the reasoning text being summarised;
 * every other event goes out as soon as it arrives. Block and output indexes are renumbered when
 * blocks are dropped, so clients that index by position stay consistent.
 */
export class SseReasoningFilter {
  #droppedIndexes: number[] = [];
  #reasoningIndexes = new Set<number>();
  /** Per reasoning index, what its summary needs (see ReasoningDigest); kept in strip mode too, to know that reasoning came. */
  #buffered = new Map<number, ReasoningDigest>();
  /** One per answer text being streamed (a chat choice, an Anthropic text block, a Responses text part). */
  #cutters = new Map<string, LeadingReasoningCutter>();
  /** The answer's first text (an Anthropic text block, a Responses text part): the one that continues the prefill. */
  #firstTextKey: string | null = null;
  /** One per structured answer being streamed (a text, a tool call's arguments), where the request demanded a reasoning field. */
  #erasers = new Map<string, StreamedFieldEraser>();
  /** The same edit for a structured answer that arrives whole (a `.done` event, the completed response). */
  #edit: StructuredEdit | null;

  /**
   * `startsInside`: the tag the request's prefill left open (tagOpenedByPrefill); `reasoningField`: the
   * field of the structured answer the request demands that holds its reasoning (transformReasoning's).
   */
  constructor(
    private readonly api: WireApi,
    private readonly mode: ReasoningMode,
    private readonly maxChars: number,
    private readonly startsInside: TagPair | null = null,
    private readonly reasoningField: string | null = null,
  ) {
    this.#edit = structuredEdit(reasoningField, mode, maxChars);
  }

  /** The next piece of a structured answer streamed under `key`, less its reasoning field's value; as it came where no field was demanded. */
  #erased(key: string, piece: string): string {
    if (this.reasoningField === null || piece === "") return piece;
    let eraser = this.#erasers.get(key);
    if (!eraser) this.#erasers.set(key, (eraser = new StreamedFieldEraser(this.reasoningField, this.mode, this.maxChars)));
    return eraser.push(piece);
  }

  /** A structured answer's whole text (a `.done` event's), edited as transformReasoning edits it. */
  #editedWhole(text: string): string {
    return this.#edit === null ? text : this.#edit.text(text);
  }

  /** The block a text begins inside: every chat choice continues the prefill; of the other APIs' texts, the first. */
  #startsInsideFor(key: string): TagPair | null {
    if (this.startsInside === null || this.api === "openai.chat") return this.startsInside;
    this.#firstTextKey ??= key;
    return key === this.#firstTextKey ? this.startsInside : null;
  }

  #renumber(index: number): number {
    return index - this.#droppedIndexes.filter((d) => d < index).length;
  }

  #buffer(index: number, text: string): void {
    let digest = this.#buffered.get(index);
    if (!digest) this.#buffered.set(index, (digest = new ReasoningDigest(this.maxChars)));
    digest.push(text);
  }

  #cutter(key: string): LeadingReasoningCutter {
    let cutter = this.#cutters.get(key);
    if (!cutter) {
      cutter = new LeadingReasoningCutter(this.mode, this.maxChars, this.#startsInsideFor(key));
      this.#cutters.set(key, cutter);
    }
    return cutter;
  }

  /** The rest of a text that is complete: what its cutter held back. */
  #endText(key: string): string {
    const tail = this.#cutters.get(key)?.end() ?? "";
    this.#cutters.delete(key);
    return tail;
  }

  /** A text that arrives whole in a Responses event repeating what the deltas streamed, under its part's key. */
  #cutWholePart(key: string, text: string): string {
    return cutLeadingReasoning(text, this.mode, this.maxChars, this.#startsInsideFor(key));
  }

  /** The texts of an output item or a whole response, in order: the first text part continues the prefill. */
  #cutWholeOutput(): TextCut {
    return firstContinuesPrefill(this.startsInside, (text, inside) => cutLeadingReasoning(text, this.mode, this.maxChars, inside));
  }

  /** One raw event (without the blank-line terminator) in, zero or more raw events out. */
  push(raw: string): string[] {
    const ev = parseEvent(raw);
    if (ev.data === "" || ev.data === "[DONE]") return [raw];
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return [raw]; // not ours to judge: pass through what we do not understand
    }
    if (!isJsonObject(data)) return [raw];
    if (this.api === "openai.chat") return this.#chat(ev, data);
    if (this.api === "anthropic.messages") return this.#anthropic(ev, data);
    return this.#responses(ev, data);
  }

  #chat(ev: SseEvent, data: Obj): string[] {
    if (!Array.isArray(data.choices)) return [formatEvent(ev.event, data)];
    const before: string[] = [];
    let onlyReasoning = data.choices.length > 0;
    const choices = data.choices.map((choice) => {
      if (!isJsonObject(choice) || !isJsonObject(choice.delta)) return choice;
      const delta: Obj = { ...choice.delta };
      const index = typeof choice.index === "number" ? choice.index : 0;
      const piece = typeof delta.reasoning_content === "string" ? delta.reasoning_content : typeof delta.reasoning === "string" ? delta.reasoning : null;
      for (const f of OPENAI_REASONING_FIELDS) delete delta[f];
      if (typeof delta.content === "string" || choice.finish_reason != null) {
        const key = `choice:${index}`;
        const given = typeof delta.content === "string" ? delta.content : "";
        const text = this.#erased(key, this.#cutter(key).push(given) + (choice.finish_reason != null ? this.#endText(key) : ""));
        if (text !== "" || (given === "" && typeof delta.content === "string")) delta.content = text;
        else delete delta.content;
      }
      if (this.reasoningField !== null && Array.isArray(delta.tool_calls)) delta.tool_calls = delta.tool_calls.map((call) => this.#erasedCallDelta(`choice:${index}`, call));
      // The summary goes out when the answer starts; a chunk carrying only the role is kept as is.
      const rest = Object.keys(delta).filter((k) => k !== "role").length > 0 || choice.finish_reason != null;
      if (piece !== null) this.#buffer(index, piece);
      if (Object.keys(delta).length > 0 || choice.finish_reason != null) onlyReasoning = false;
      if (rest && this.mode === "summarise" && this.#buffered.has(index)) {
        before.push(formatEvent(ev.event, { ...data, choices: [{ index, delta: { reasoning_content: this.#buffered.get(index)?.summary() ?? "" } }] }));
        this.#buffered.delete(index);
      }
      if (this.mode === "strip") this.#buffered.delete(index);
      return { ...choice, delta };
    });
    if (onlyReasoning) return before;
    return [...before, formatEvent(ev.event, { ...data, choices })];
  }

  /** A streamed chat tool call's piece of `arguments`, less the reasoning field's value; calls are told apart by their index. */
  #erasedCallDelta(choiceKey: string, call: unknown): unknown {
    if (!isJsonObject(call) || !isJsonObject(call.function) || typeof call.function.arguments !== "string") return call;
    const key = `${choiceKey}:call:${typeof call.index === "number" ? call.index : 0}`;
    return { ...call, function: { ...call.function, arguments: this.#erased(key, call.function.arguments) } };
  }

  #anthropic(ev: SseEvent, data: Obj): string[] {
    const index = typeof data.index === "number" ? data.index : null;
    if (index === null) return [formatEvent(ev.event, data)];
    const key = `block:${index}`;
    if (data.type === "content_block_start" && isJsonObject(data.content_block) && data.content_block.type === "text") {
      const cutter = this.#cutter(key);
      const text = typeof data.content_block.text === "string" ? this.#erased(key, cutter.push(data.content_block.text)) : "";
      return [formatEvent(ev.event, { ...data, index: this.#renumber(index), content_block: { ...data.content_block, text } })];
    }
    if (this.#cutters.has(key)) {
      if (data.type === "content_block_delta" && isJsonObject(data.delta) && data.delta.type === "text_delta" && typeof data.delta.text === "string") {
        const text = this.#erased(key, this.#cutter(key).push(data.delta.text));
        return text === "" ? [] : [formatEvent(ev.event, { ...data, index: this.#renumber(index), delta: { ...data.delta, text } })];
      }
      if (data.type === "content_block_stop") {
        const tail = this.#erased(key, this.#endText(key));
        const i = this.#renumber(index);
        const stop = formatEvent(ev.event, { ...data, index: i });
        return tail === "" ? [stop] : [formatEvent("content_block_delta", { type: "content_block_delta", index: i, delta: { type: "text_delta", text: tail } }), stop];
      }
    }
    if (data.type === "content_block_start" && isJsonObject(data.content_block)) {
      const t = data.content_block.type;
      if (t === "thinking" || t === "redacted_thinking") {
        this.#reasoningIndexes.add(index);
        if (typeof data.content_block.thinking === "string") this.#buffer(index, data.content_block.thinking);
        else this.#buffer(index, "");
        return [];
      }
    }
    if (this.#reasoningIndexes.has(index)) {
      if (data.type === "content_block_delta" && isJsonObject(data.delta) && typeof data.delta.thinking === "string") this.#buffer(index, data.delta.thinking);
      if (data.type !== "content_block_stop") return [];
      const digest = this.#buffered.get(index) ?? new ReasoningDigest(this.maxChars);
      this.#buffered.delete(index);
      if (this.mode === "strip") {
        this.#droppedIndexes.push(index);
        return [];
      }
      const i = this.#renumber(index);
      return [
        formatEvent("content_block_start", { type: "content_block_start", index: i, content_block: { type: "thinking", thinking: "" } }),
        formatEvent("content_block_delta", { type: "content_block_delta", index: i, delta: { type: "thinking_delta", thinking: digest.summary() } }),
        formatEvent("content_block_stop", { type: "content_block_stop", index: i }),
      ];
    }
    // A tool_use block's input streams as pieces of its JSON (a forced tool's is the structured answer).
    if (data.type === "content_block_delta" && isJsonObject(data.delta) && data.delta.type === "input_json_delta" && typeof data.delta.partial_json === "string") {
      return [formatEvent(ev.event, { ...data, index: this.#renumber(index), delta: { ...data.delta, partial_json: this.#erased(`input:${index}`, data.delta.partial_json) } })];
    }
    return [formatEvent(ev.event, { ...data, index: this.#renumber(index) })];
  }

  #responses(ev: SseEvent, data: Obj): string[] {
    const type = typeof data.type === "string" ? data.type : (ev.event ?? "");
    if (isJsonObject(data.response) && "output" in data.response) {
      return [formatEvent(ev.event, { ...data, response: { ...data.response, output: transformResponsesOutput(data.response.output, this.mode, this.maxChars, thenEdited(this.#cutWholeOutput(), this.#edit), this.#edit) } })];
    }
    const outputIndex = typeof data.output_index === "number" ? data.output_index : null;
    const item = isJsonObject(data.item) ? data.item : null;
    const answerText = this.#responsesText(ev, type, data, outputIndex) ?? this.#responsesCall(ev, type, data, outputIndex);
    if (answerText) return answerText;
    if (item?.type === "reasoning" && outputIndex !== null) {
      if (type === "response.output_item.added") {
        this.#reasoningIndexes.add(outputIndex);
        return [];
      }
      if (type === "response.output_item.done") {
        if (this.mode === "strip") {
          this.#droppedIndexes.push(outputIndex);
          return [];
        }
        const summarised = summarisedResponsesItem(item, this.maxChars);
        const i = this.#renumber(outputIndex);
        return [formatEvent("response.output_item.added", { type: "response.output_item.added", output_index: i, item: summarised }), formatEvent(ev.event, { ...data, output_index: i, item: summarised })];
      }
    }
    if (item?.type === "message" && outputIndex !== null && type === "response.output_item.done") {
      return [formatEvent(ev.event, { ...data, output_index: this.#renumber(outputIndex), item: cutMessageItem(item, thenEdited(this.#cutWholeOutput(), this.#edit)) })];
    }
    if (item?.type === "function_call" && outputIndex !== null && type === "response.output_item.done" && this.#edit !== null) {
      return [formatEvent(ev.event, { ...data, output_index: this.#renumber(outputIndex), item: editedArguments(item, this.#edit) })];
    }
    if (type.startsWith("response.reasoning")) return [];
    if (outputIndex !== null && this.#reasoningIndexes.has(outputIndex)) return [];
    return [formatEvent(ev.event, outputIndex === null ? data : { ...data, output_index: this.#renumber(outputIndex) })];
  }

  /** A Responses text part's events, cut at its head; null for any other event. */
  #responsesText(ev: SseEvent, type: string, data: Obj, outputIndex: number | null): string[] | null {
    if (outputIndex === null || typeof data.content_index !== "number") return null;
    const key = `part:${outputIndex}:${data.content_index}`;
    const out = (d: Obj): string => formatEvent(ev.event, { ...d, output_index: this.#renumber(outputIndex) });
    if (type === "response.output_text.delta" && typeof data.delta === "string") {
      const text = this.#erased(key, this.#cutter(key).push(data.delta));
      return text === "" ? [] : [out({ ...data, delta: text })];
    }
    if (type === "response.output_text.done" && typeof data.text === "string") {
      const tail = this.#erased(key, this.#endText(key));
      const done = out({ ...data, text: this.#editedWhole(this.#cutWholePart(key, data.text)) });
      return tail === "" ? [done] : [formatEvent("response.output_text.delta", { type: "response.output_text.delta", item_id: data.item_id, output_index: this.#renumber(outputIndex), content_index: data.content_index, delta: tail }), done];
    }
    if (type === "response.content_part.done" && isJsonObject(data.part) && data.part.type === "output_text" && typeof data.part.text === "string") {
      return [out({ ...data, part: { ...data.part, text: this.#editedWhole(this.#cutWholePart(key, data.part.text)) } })];
    }
    return null;
  }

  /** A Responses function call's argument events, less the reasoning field's value; null for any other event or where no field was demanded. */
  #responsesCall(ev: SseEvent, type: string, data: Obj, outputIndex: number | null): string[] | null {
    if (outputIndex === null || this.reasoningField === null) return null;
    const out = (d: Obj): string[] => [formatEvent(ev.event, { ...d, output_index: this.#renumber(outputIndex) })];
    if (type === "response.function_call_arguments.delta" && typeof data.delta === "string") return out({ ...data, delta: this.#erased(`args:${outputIndex}`, data.delta) });
    if (type === "response.function_call_arguments.done" && typeof data.arguments === "string") return out({ ...data, arguments: this.#editedWhole(data.arguments) });
    return null;
  }
}

const MAX_PENDING_CHARS = 8 * 1024 * 1024;

/** A byte stream transform applying SseReasoningFilter; events are framed by a blank line (SSE). */
export function sseReasoningTransform(api: WireApi, mode: ReasoningMode, maxChars: number, startsInside: TagPair | null = null, reasoningField: string | null = null): TransformStream<Uint8Array, Uint8Array> {
  const filter = new SseReasoningFilter(api, mode, maxChars, startsInside, reasoningField);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const emit = (controller: TransformStreamDefaultController<Uint8Array>, events: string[]): void => {
    if (events.length > 0) controller.enqueue(encoder.encode(events.map((e) => `${e}\n\n`).join("")));
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split(/\r?\n\r?\n/);
      pending = parts.pop() ?? "";
      emit(controller, parts.filter((p) => p.length > 0).flatMap((p) => filter.push(p)));
      // An upstream that never ends an event must not grow this buffer without bound.
      if (pending.length > MAX_PENDING_CHARS) {
        controller.enqueue(encoder.encode(pending));
        pending = "";
      }
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending.trim().length > 0) emit(controller, filter.push(pending));
    },
  });
}

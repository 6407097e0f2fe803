import { isJsonObject, type WireApi } from "../core/index.js";

/**
 * Withholding reasoning is the one output-side defence published experiments found to reliably
 * hurt a student model, so the gateway can remove thinking content from answers or replace it by a
 * short summary, for all three wire formats, streamed or not.
 */
export type ReasoningMode = "strip" | "summarise";

type Obj = Record<string, unknown>;

/** A short lead of the reasoning (up to its first sentence end within `maxChars`) and what was withheld. */
export function summariseReasoning(text: string, maxChars: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  const note = `[reasoning summarised by provider policy; ${clean.length} characters withheld]`;
  if (maxChars <= 0 || clean.length === 0) return note;
  const window = clean.slice(0, maxChars);
  const end = Math.max(window.lastIndexOf(". "), window.lastIndexOf("? "), window.lastIndexOf("! "));
  const lead = end > 40 ? window.slice(0, end + 1) : window.length < clean.length ? `${window.trimEnd()}…` : window;
  return `${lead} ${note}`;
}

const OPENAI_REASONING_FIELDS = ["reasoning_content", "reasoning", "reasoning_details"] as const;

function reasoningTextOfResponsesItem(item: Obj): string {
  const parts = [...(Array.isArray(item.content) ? item.content : []), ...(Array.isArray(item.summary) ? item.summary : [])];
  return parts.map((p) => (isJsonObject(p) && typeof p.text === "string" ? p.text : "")).join("\n");
}

function summarisedResponsesItem(item: Obj, maxChars: number): Obj {
  return { type: "reasoning", id: item.id, summary: [{ type: "summary_text", text: summariseReasoning(reasoningTextOfResponsesItem(item), maxChars) }] };
}

function transformResponsesOutput(output: unknown, mode: ReasoningMode, maxChars: number): unknown {
  if (!Array.isArray(output)) return output;
  if (mode === "strip") return output.filter((item) => !(isJsonObject(item) && item.type === "reasoning"));
  return output.map((item) => (isJsonObject(item) && item.type === "reasoning" ? summarisedResponsesItem(item, maxChars) : item));
}

/** Non-streaming answer: returns the body with reasoning removed or summarised; other fields untouched. */
export function transformReasoning(api: WireApi, body: unknown, mode: ReasoningMode, maxChars: number): unknown {
  if (!isJsonObject(body)) return body;
  if (api === "openai.chat") {
    if (!Array.isArray(body.choices)) return body;
    const choices = body.choices.map((choice) => {
      if (!isJsonObject(choice) || !isJsonObject(choice.message)) return choice;
      const message: Obj = { ...choice.message };
      const text = typeof message.reasoning_content === "string" ? message.reasoning_content : typeof message.reasoning === "string" ? message.reasoning : "";
      const had = OPENAI_REASONING_FIELDS.some((f) => f in message);
      for (const f of OPENAI_REASONING_FIELDS) delete message[f];
      if (had && mode === "summarise") message.reasoning_content = summariseReasoning(text, maxChars);
      return { ...choice, message };
    });
    return { ...body, choices };
  }
  if (api === "openai.responses") return { ...body, output: transformResponsesOutput(body.output, mode, maxChars) };
  if (!Array.isArray(body.content)) return body;
  const content: unknown[] = [];
  for (const block of body.content) {
    const thinking = isJsonObject(block) && (block.type === "thinking" || block.type === "redacted_thinking");
    if (!thinking) content.push(block);
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
  #buffered = new Map<number, string>();

  constructor(
    private readonly api: WireApi,
    private readonly mode: ReasoningMode,
    private readonly maxChars: number,
  ) {}

  #renumber(index: number): number {
    return index - this.#droppedIndexes.filter((d) => d < index).length;
  }

  #buffer(index: number, text: string): void {
    this.#buffered.set(index, (this.#buffered.get(index) ?? "") + text);
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
      // The summary goes out when the answer starts; a chunk carrying only the role is kept as is.
      const rest = Object.keys(delta).filter((k) => k !== "role").length > 0 || choice.finish_reason != null;
      if (piece !== null) this.#buffer(index, piece);
      if (Object.keys(delta).length > 0 || choice.finish_reason != null) onlyReasoning = false;
      if (rest && this.mode === "summarise" && this.#buffered.has(index)) {
        before.push(formatEvent(ev.event, { ...data, choices: [{ index, delta: { reasoning_content: summariseReasoning(this.#buffered.get(index) ?? "", this.maxChars) } }] }));
        this.#buffered.delete(index);
      }
      if (this.mode === "strip") this.#buffered.delete(index);
      return { ...choice, delta };
    });
    if (onlyReasoning) return before;
    return [...before, formatEvent(ev.event, { ...data, choices })];
  }

  #anthropic(ev: SseEvent, data: Obj): string[] {
    const index = typeof data.index === "number" ? data.index : null;
    if (index === null) return [formatEvent(ev.event, data)];
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
      const text = this.#buffered.get(index) ?? "";
      this.#buffered.delete(index);
      if (this.mode === "strip") {
        this.#droppedIndexes.push(index);
        return [];
      }
      const i = this.#renumber(index);
      return [
        formatEvent("content_block_start", { type: "content_block_start", index: i, content_block: { type: "thinking", thinking: "" } }),
        formatEvent("content_block_delta", { type: "content_block_delta", index: i, delta: { type: "thinking_delta", thinking: summariseReasoning(text, this.maxChars) } }),
        formatEvent("content_block_stop", { type: "content_block_stop", index: i }),
      ];
    }
    return [formatEvent(ev.event, { ...data, index: this.#renumber(index) })];
  }

  #responses(ev: SseEvent, data: Obj): string[] {
    const type = typeof data.type === "string" ? data.type : (ev.event ?? "");
    if (isJsonObject(data.response) && "output" in data.response) {
      return [formatEvent(ev.event, { ...data, response: { ...data.response, output: transformResponsesOutput(data.response.output, this.mode, this.maxChars) } })];
    }
    const outputIndex = typeof data.output_index === "number" ? data.output_index : null;
    const item = isJsonObject(data.item) ? data.item : null;
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
    if (type.startsWith("response.reasoning")) return [];
    if (outputIndex !== null && this.#reasoningIndexes.has(outputIndex)) return [];
    return [formatEvent(ev.event, outputIndex === null ? data : { ...data, output_index: this.#renumber(outputIndex) })];
  }
}

const MAX_PENDING_CHARS = 8 * 1024 * 1024;

/** A byte stream transform applying SseReasoningFilter; events are framed by a blank line (SSE). */
export function sseReasoningTransform(api: WireApi, mode: ReasoningMode, maxChars: number): TransformStream<Uint8Array, Uint8Array> {
  const filter = new SseReasoningFilter(api, mode, maxChars);
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

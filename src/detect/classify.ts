import type { Exchange } from "../core/index.js";
import { LineSplitter, parseExchangeValue, type InputSource, type QuarantineWriter, type RawLine } from "../ingest/index.js";
import type { ExtractionStyleModel } from "./classifier.js";
import { requestSignals, type RequestSignals } from "./signals.js";

/** The `signals` object `classify` attaches to each line (snake_case, as on the wire). */
export function signalsJson(s: RequestSignals): Record<string, unknown> {
  return {
    extraction_style: s.extractionStyle,
    cot_elicitation: s.cotElicitation,
    cot_evidence: s.cotEvidence.map((e) => ({ pattern: e.pattern, match: e.match, where: e.where })),
    domains: s.domains,
    top_domain: s.topDomain,
    template: s.template.exact,
    template_frames: s.template.frames,
    template_masked: s.template.masked,
    system_prompt_hash: s.systemPromptHash,
    tool_schema_hash: s.toolSchemaHash,
    extraction_params: s.params.reasons,
  };
}

function textExchange(text: string, system: string): Exchange {
  return {
    id: "",
    ts: 0,
    account: "",
    api: "openai.chat",
    model: "",
    system,
    userTurns: [text],
    assistantTurns: [],
    turnCount: 1,
    tools: [],
    toolCalls: [],
    toolResults: 0,
    media: { image: 0, audio: 0, file: 0 },
    params: { logprobs: false, logitBias: false, stream: false, reasoningRequested: false },
    usage: {},
    client: {},
    accountMeta: {},
  };
}

/** Reads exchange-log or `{"text": ...}` lines and writes each back with `signals`; bad lines are quarantined. */
export async function classifyStream(
  source: InputSource,
  model: ExtractionStyleModel,
  quarantine: QuarantineWriter,
  write: (line: string) => void,
): Promise<{ lines: number; classified: number; quarantined: number }> {
  const counts = { lines: 0, classified: 0, quarantined: 0 };
  const splitter = new LineSplitter();
  const lines: RawLine[] = [];
  const drain = (): void => {
    for (const line of lines) {
      if (line.kind === "oversize") {
        counts.lines++;
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `line exceeds limit (${line.bytes} bytes)`, raw: line.prefix, truncated: true });
        continue;
      }
      if (line.text.trim() === "") continue;
      counts.lines++;
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (err) {
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `not JSON: ${(err as Error).message}`, raw: line.text });
        continue;
      }
      let ex: Exchange;
      const obj = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
      if (obj && typeof obj.text === "string" && obj.request === undefined) {
        ex = textExchange(obj.text, typeof obj.system === "string" ? obj.system : "");
      } else {
        const verdict = parseExchangeValue(value);
        if (!verdict.ok) {
          counts.quarantined++;
          quarantine.write({ file: source.name, line: line.lineNo, reason: verdict.reason, raw: line.text });
          continue;
        }
        ex = verdict.exchange;
      }
      counts.classified++;
      write(JSON.stringify({ ...(obj ?? {}), signals: signalsJson(requestSignals(ex, model)) }));
    }
    lines.length = 0;
  };
  for await (const chunk of source.chunks(() => undefined)) {
    splitter.push(chunk, lines);
    drain();
  }
  splitter.end(lines);
  drain();
  return counts;
}

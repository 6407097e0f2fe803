import { blankExchange, isJsonObject, type Exchange } from "../core/index.js";
import { jsonLineBatches, newFileCounts, parseExchangeValue, reject, type InputSource, type QuarantineWriter } from "../ingest/index.js";
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

/**
 * Reads exchange-log or `{"text": ...}` lines and writes each back with `signals`; bad lines are
 * quarantined. `write` gets a batch's lines at a time (each ending "\n") and is awaited, so a slow
 * reader holds the input back instead of letting output pile up.
 */
export async function classifyStream(
  source: InputSource,
  model: ExtractionStyleModel,
  quarantine: QuarantineWriter,
  write: (lines: string) => void | Promise<void>,
): Promise<{ lines: number; classified: number; quarantined: number }> {
  const counts = newFileCounts(source.name);
  let classified = 0;
  for await (const lines of jsonLineBatches(source, quarantine, counts)) {
    let out = "";
    for (const line of lines) {
      const v = line.value;
      const obj = isJsonObject(v) ? v : null;
      let ex: Exchange;
      if (obj && typeof obj.text === "string" && obj.request === undefined) {
        ex = blankExchange({ userTurns: [obj.text], turnCount: 1, system: typeof obj.system === "string" ? obj.system : "" });
      } else {
        const verdict = parseExchangeValue(v);
        if (!verdict.ok) {
          reject(quarantine, counts, source, line, verdict.reason);
          continue;
        }
        ex = verdict.exchange;
      }
      classified++;
      out += `${JSON.stringify({ ...(obj ?? {}), signals: signalsJson(requestSignals(ex, model)) })}\n`;
    }
    if (out) await write(out);
  }
  return { lines: counts.lines, classified, quarantined: counts.quarantined };
}

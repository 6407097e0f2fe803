import type { Exchange } from "../core/index.js";
import { headTail, lastUserText } from "../core/index.js";
import type { ExtractionStyleModel } from "./classifier.js";
import { cotElicitation, type CotEvidence } from "./cot.js";
import { domainScores, topDomain, type Domain, type DomainScores } from "./domains.js";
import { extractionParams, type ExtractionParams } from "./params.js";
import { stableHash, templateSignature, type TemplateSignature } from "./template.js";

/** Everything the request level knows about one exchange. One implementation for hunt, gateway and tools. */
export interface RequestSignals {
  extractionStyle: number;
  cotElicitation: number;
  cotEvidence: CotEvidence[];
  domains: DomainScores;
  topDomain: Domain;
  template: TemplateSignature;
  /** Hash of the system prompt; null when there is none. */
  systemPromptHash: string | null;
  /** Hash of the sorted tool schemas; null when no tools were declared. */
  toolSchemaHash: string | null;
  params: ExtractionParams;
  /** A follow-up in a conversation (prior assistant turns present). */
  followUp: boolean;
  promptChars: number;
}

function toolSetHash(ex: Exchange): string | null {
  if (ex.tools.length === 0) return null;
  return stableHash(
    ex.tools
      .map((t) => `${t.name}:${t.schema}`)
      .sort()
      .join("\n"),
  );
}

export function requestSignals(ex: Exchange, model: ExtractionStyleModel): RequestSignals {
  const full = lastUserText(ex);
  const prompt = headTail(full);
  const system = headTail(ex.system, 1000, 300);
  const cot = cotElicitation(prompt, system, ex.params);
  const domains = domainScores(ex, prompt, system);
  // Style is judged on what the request asks now, plus a bounded slice of the system prompt:
  // harnesses that move their template into the system prompt should not hide it.
  const styleText = system ? `${system.slice(0, 600)}\n${prompt}` : prompt;
  let template: TemplateSignature | undefined;
  return {
    extractionStyle: Math.round(model.score(styleText) * 1000) / 1000,
    cotElicitation: cot.score,
    cotEvidence: cot.evidence,
    domains,
    topDomain: topDomain(domains),
    // Computed on first read: the hunt always reads it, the gateway only when intel holds template
    // indicators, and it is a quarter of the signal cost.
    get template(): TemplateSignature {
      return (template ??= templateSignature(prompt));
    },
    systemPromptHash: ex.system ? stableHash(ex.system) : null,
    toolSchemaHash: toolSetHash(ex),
    params: extractionParams(ex.params),
    followUp: ex.assistantTurns.length > 0,
    promptChars: full.length,
  };
}

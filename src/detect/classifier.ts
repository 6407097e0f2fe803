import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { HydraError } from "../core/index.js";
import { FEATURE_BITS, featuresInScratch } from "./features.js";

/** On-disk form of the extraction-style model (models/extraction-style.json). Weights are int8-quantised. */
export const modelFileSchema = z.object({
  kind: z.literal("hashed-logreg"),
  version: z.number().int(),
  featureBits: z.literal(FEATURE_BITS),
  bias: z.number(),
  scale: z.number().positive(),
  /** base64 of Int8Array(2^featureBits); weight = int8 * scale. */
  weights: z.string(),
  trainedOn: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

export class ExtractionStyleModel {
  /**
   * The shipped model keeps its int8 weights as they are in the file, summed exactly and scaled once:
   * a 256 KB table instead of 1 MB of floats, read at random per feature, stays in cache far better
   * between requests. Trained-but-unquantised models (the training script's evaluation) use floats with scale 1.
   */
  constructor(
    private readonly weights: Int8Array | Float32Array,
    private readonly scale: number,
    private readonly bias: number,
  ) {}

  static fromFile(file: ModelFile): ExtractionStyleModel {
    const q = new Int8Array(Buffer.from(file.weights, "base64").buffer.slice(0));
    if (q.length !== 1 << file.featureBits) throw new HydraError("MODEL_MISSING", `model weights have ${q.length} entries, expected ${1 << file.featureBits}`);
    return new ExtractionStyleModel(q, file.scale, file.bias);
  }

  static fromWeights(weights: Float32Array, bias: number): ExtractionStyleModel {
    return new ExtractionStyleModel(weights, 1, bias);
  }

  /** Probability the prompt is harvesting-style (0..1). */
  score(text: string): number {
    if (text.trim() === "") return 0;
    return this.scoreFeatures(featuresInScratch(text));
  }

  scoreFeatures(features: Uint32Array): number {
    let z = 0;
    const weights = this.weights;
    for (let i = 0; i < features.length; i++) z += weights[features[i] as number] as number;
    z = (z * this.scale) / Math.sqrt(features.length || 1) + this.bias;
    return 1 / (1 + Math.exp(-z));
  }
}

const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "models");
export const DEFAULT_MODEL_PATH = join(MODELS_DIR, "extraction-style.json");
/** The learned reading of asks for reasoning (cot.ts), trained by `npm run train`. */
export const COT_MODEL_PATH = join(MODELS_DIR, "cot-ask.json");

const cache = new Map<string, ExtractionStyleModel>();

/** A hashed-logreg model file, loaded once per path. A missing or corrupt file is an error, never a silent zero score. */
export function loadModel(path: string): ExtractionStyleModel {
  const known = cache.get(path);
  if (known) return known;
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    throw new HydraError("MODEL_MISSING", `model not found at ${path}; run \`npm run train\``, { path }, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new HydraError("MODEL_MISSING", `model at ${path} is not JSON; run \`npm run train\``, { path }, { cause: err });
  }
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) throw new HydraError("MODEL_MISSING", `model at ${path} is invalid: ${parsed.error.issues[0]?.message ?? ""}`, { path });
  const model = ExtractionStyleModel.fromFile(parsed.data);
  cache.set(path, model);
  return model;
}

/**
 * The shipped extraction-style model. The CoT reading's model is loaded here too, though request
 * signals read it through cot.ts: every process that scores requests calls this at start-up, so a
 * missing or broken model file stops the gateway or the hunt there, not at its first request.
 */
export function loadDefaultModel(path = DEFAULT_MODEL_PATH, cotPath = COT_MODEL_PATH): ExtractionStyleModel {
  loadModel(cotPath);
  return loadModel(path);
}

import { createRng } from "../../core/index.js";
import type { ModelFile } from "../classifier.js";
import { FEATURE_BITS } from "../features.js";

export interface TrainExample {
  features: Uint32Array;
  label: 0 | 1;
  weight: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/**
 * Logistic regression with AdaGrad over hashed binary features, L2-normalised per example.
 * Hand-written (60 lines) because no maintained npm library trains sparse hashed LR deterministically,
 * and bit-for-bit reproducibility from `npm run train` is a requirement.
 */
export function trainLogReg(examples: readonly TrainExample[], opts: TrainOptions = {}): { weights: Float32Array; bias: number } {
  const dim = 1 << FEATURE_BITS;
  const w = new Float64Array(dim);
  const g2 = new Float64Array(dim).fill(1e-8);
  let bias = 0;
  let gb2 = 1e-8;
  const lr = opts.learningRate ?? 0.2;
  const l2 = opts.l2 ?? 1e-5;
  const rng = createRng(opts.seed ?? 7);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < (opts.epochs ?? 6); epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const idx of order) {
      const ex = examples[idx] as TrainExample;
      const norm = 1 / Math.sqrt(ex.features.length || 1);
      let z = bias;
      for (const f of ex.features) z += (w[f] as number) * norm;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - ex.label) * ex.weight;
      for (const f of ex.features) {
        const grad = g * norm + l2 * (w[f] as number);
        g2[f] = (g2[f] as number) + grad * grad;
        w[f] = (w[f] as number) - (lr * grad) / Math.sqrt(g2[f] as number);
      }
      gb2 += g * g;
      bias -= (lr * g) / Math.sqrt(gb2);
    }
  }
  return { weights: Float32Array.from(w), bias };
}

/** Quantises weights to int8 for a small model file; returns the scale used. */
export function quantise(weights: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const x of weights) max = Math.max(max, Math.abs(x));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round((weights[i] as number) / scale)));
  return { q, scale };
}

/** A trained model as the file the detectors load: int8 weights, base64. */
export function modelFile(trained: { weights: Float32Array; bias: number }, trainedOn: string[], metrics: Record<string, unknown>): ModelFile {
  const { q, scale } = quantise(trained.weights);
  return { kind: "hashed-logreg", version: 1, featureBits: FEATURE_BITS, bias: trained.bias, scale, weights: Buffer.from(q.buffer).toString("base64"), trainedOn, metrics };
}

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HydraError } from "../core/index.js";
import { COT_MODEL_PATH, DEFAULT_MODEL_PATH, loadDefaultModel, loadModel } from "./classifier.js";

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof HydraError ? err.code : `not a HydraError: ${String(err)}`;
  }
};

describe("model files", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-models-"));

  it("names a missing file and how to make it", () => {
    const path = join(dir, "absent.json");
    expect(codeOf(() => loadModel(path))).toBe("MODEL_MISSING");
    expect(() => loadModel(path)).toThrow(/npm run train/);
  });

  it("turns a file that is not JSON into the same error, not a SyntaxError", () => {
    const path = join(dir, "truncated.json");
    writeFileSync(path, '{"bits": 18, "weights": [0.1, ');
    expect(codeOf(() => loadModel(path))).toBe("MODEL_MISSING");
    expect(() => loadModel(path)).toThrow(/not JSON/);
  });

  it("rejects JSON that is not a model", () => {
    const path = join(dir, "other.json");
    writeFileSync(path, JSON.stringify({ name: "something else" }));
    expect(codeOf(() => loadModel(path))).toBe("MODEL_MISSING");
  });

  it("loads both shipped models at start-up, so a request never meets a missing one", () => {
    expect(loadModel(DEFAULT_MODEL_PATH)).toBe(loadDefaultModel());
    expect(codeOf(() => loadModel(COT_MODEL_PATH))).toBeNull();
    // The style model is there; the CoT reading's is not: start-up fails, naming the missing one.
    const absent = join(dir, "no-cot.json");
    expect(codeOf(() => loadDefaultModel(DEFAULT_MODEL_PATH, absent))).toBe("MODEL_MISSING");
    expect(() => loadDefaultModel(DEFAULT_MODEL_PATH, absent)).toThrow(absent);
  });
});

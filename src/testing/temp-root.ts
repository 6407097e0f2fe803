import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest's global setup: one temporary directory for the whole run, set as TMPDIR before the test
 * workers fork (they and the CLIs tests spawn inherit it, and os.tmpdir() reads it), removed when the
 * run ends. Tests make their scratch directories with mkdtempSync under tmpdir() and most leave them
 * there: about ninety a run, which a CI machine that is not wiped would keep for good.
 */
export default function setup(): () => void {
  const previous = process.env["TMPDIR"];
  const root = mkdtempSync(join(tmpdir(), "hs-test-run-"));
  process.env["TMPDIR"] = root;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}

import { unwatchFile, watchFile } from "node:fs";
import { PolicyError } from "../core/index.js";
import { defaultPolicy, loadPolicyFile } from "./load.js";
import type { Policy } from "./schema.js";

export interface PolicyChange {
  policy: Policy;
  previousVersion: string | null;
}

/**
 * The policy in force, reloaded when its file changes. A change that does not validate is reported
 * and ignored: the last good policy stays in force, so a typo never opens or closes the gate.
 */
export class PolicySource {
  #policy: Policy;
  #watching = false;

  constructor(
    private readonly path: string | null,
    private readonly onChange: (c: PolicyChange) => void = () => {},
    private readonly onError: (e: PolicyError) => void = () => {},
  ) {
    this.#policy = path ? loadPolicyFile(path) : defaultPolicy();
  }

  get current(): Policy {
    return this.#policy;
  }

  /** Re-reads the file now; returns whether the version in force changed. */
  reload(): boolean {
    if (!this.path) return false;
    try {
      const next = loadPolicyFile(this.path);
      const previousVersion = this.#policy.version;
      const changed = JSON.stringify(next) !== JSON.stringify(this.#policy);
      this.#policy = next;
      if (changed) this.onChange({ policy: next, previousVersion });
      return changed;
    } catch (err) {
      this.onError(err instanceof PolicyError ? err : new PolicyError(this.path, [String(err)]));
      return false;
    }
  }

  /**
   * Polls the file's mtime: editors and config managers replace files by rename, which silently
   * detaches an inotify watch on the old inode; polling survives that.
   */
  watch(intervalMs = 500): void {
    if (!this.path || this.#watching) return;
    this.#watching = true;
    watchFile(this.path, { interval: intervalMs, persistent: false }, (cur, prev) => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) this.reload();
    });
  }

  close(): void {
    if (this.path && this.#watching) unwatchFile(this.path);
    this.#watching = false;
  }
}

import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

export interface QuarantineRecord {
  file: string;
  line: number;
  reason: string;
  /** The line unchanged; for an oversize line, its first OVERSIZE_PREFIX_BYTES only (see `bytes`, `sha256`). */
  raw: string;
  bytes?: number;
  sha256?: string;
  truncated?: boolean;
}

/** Appends bad lines to a JSON Lines file, opened only when the first bad line arrives. */
export class QuarantineWriter {
  private stream: WriteStream | null = null;
  count = 0;

  constructor(
    readonly path: string,
    private readonly mode: "truncate" | "append" = "truncate",
  ) {}

  write(record: QuarantineRecord): void {
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: this.mode === "append" ? "a" : "w" });
    }
    this.count++;
    this.stream.write(`${JSON.stringify(record)}\n`);
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    this.stream = null;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

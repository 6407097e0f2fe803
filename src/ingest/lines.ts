import { createHash, type Hash } from "node:crypto";

/**
 * Lines longer than this are quarantined without being held in memory whole. A request is logged as
 * the API received it, images and files inline as base64, and the three APIs accept requests of up to
 * 32 MB (Anthropic's limit; base64 adds a third to an image): at 4 MiB, vision traffic (one of the
 * published campaigns' targets) was quarantined instead of hunted.
 */
export const MAX_LINE_BYTES = 48 * 1024 * 1024;
/** How much of an oversize line the quarantine keeps, with its full length and SHA-256. */
export const OVERSIZE_PREFIX_BYTES = 64 * 1024;

export type RawLine =
  | { kind: "line"; lineNo: number; text: string }
  | { kind: "oversize"; lineNo: number; bytes: number; sha256: string; prefix: string };

/**
 * Splits a byte stream into lines. Hand-written instead of node:readline so that a line over
 * MAX_LINE_BYTES is never buffered whole (readline would hold a 1 GB line in memory), and because
 * splitting Buffers before decoding is faster than readline's string path.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  private oversizeHash: Hash | null = null;
  private oversizePrefix = "";

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer, out: RawLine[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      this.flushLine(out);
      start = nl + 1;
    }
  }

  end(out: RawLine[]): void {
    if (this.pendingBytes > 0 || this.oversizeHash) this.flushLine(out);
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pendingBytes += piece.length;
    if (this.oversizeHash) {
      this.oversizeHash.update(piece);
      return;
    }
    this.parts.push(piece);
    if (this.pendingBytes > this.maxLineBytes) {
      const whole = Buffer.concat(this.parts);
      this.oversizeHash = createHash("sha256").update(whole);
      this.oversizePrefix = whole.subarray(0, OVERSIZE_PREFIX_BYTES).toString("utf8");
      this.parts = [];
    }
  }

  private flushLine(out: RawLine[]): void {
    this.lineNo++;
    if (this.oversizeHash) {
      out.push({
        kind: "oversize",
        lineNo: this.lineNo,
        bytes: this.pendingBytes,
        sha256: this.oversizeHash.digest("hex"),
        prefix: this.oversizePrefix,
      });
      this.oversizeHash = null;
      this.oversizePrefix = "";
    } else {
      const buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.pendingBytes);
      let text = buf.toString("utf8");
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      if (this.lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      out.push({ kind: "line", lineNo: this.lineNo, text });
    }
    this.parts = [];
    this.pendingBytes = 0;
  }
}

import { LineSplitter, MAX_LINE_BYTES, type RawLine } from "./lines.js";
import type { QuarantineWriter } from "./quarantine.js";
import type { InputSource } from "./source.js";
import type { FileCounts } from "./summary.js";

export interface JsonLine {
  lineNo: number;
  text: string;
  value: unknown;
}

/**
 * The one JSON Lines reader: splits a source into lines (bounded even for giant lines), skips blank
 * lines, quarantines oversize and non-JSON lines with their reason, counts, and yields the parsed
 * values one decoded chunk at a time. Callers validate the values and quarantine what they reject.
 */
export async function* jsonLineBatches(
  source: InputSource,
  quarantine: QuarantineWriter,
  counts: FileCounts,
  opts: { maxLineBytes?: number; onBytes?: (n: number) => void } = {},
): AsyncGenerator<JsonLine[]> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const splitter = new LineSplitter(maxLine);
  const raw: RawLine[] = [];
  const drain = (): JsonLine[] => {
    const out: JsonLine[] = [];
    for (const line of raw) {
      if (line.kind === "oversize") {
        counts.lines++;
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `line exceeds ${maxLine} bytes (${line.bytes} bytes)`, raw: line.prefix, bytes: line.bytes, sha256: line.sha256, truncated: true });
        continue;
      }
      if (line.text.trim() === "") continue;
      counts.lines++;
      try {
        out.push({ lineNo: line.lineNo, text: line.text, value: JSON.parse(line.text) });
      } catch (err) {
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `not JSON: ${(err as Error).message}`, raw: line.text });
      }
    }
    raw.length = 0;
    return out;
  };
  const onRaw = (n: number): void => {
    counts.bytes += n;
    opts.onBytes?.(n);
  };
  for await (const chunk of source.chunks(onRaw)) {
    splitter.push(chunk, raw);
    if (raw.length > 0) yield drain();
  }
  splitter.end(raw);
  yield drain();
}

/** Quarantines a parsed line that failed validation, counting it. */
export function reject(quarantine: QuarantineWriter, counts: FileCounts, source: InputSource, line: JsonLine, reason: string): void {
  counts.quarantined++;
  quarantine.write({ file: source.name, line: line.lineNo, reason, raw: line.text });
}

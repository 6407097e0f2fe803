import { closeSync, openSync, writeSync } from "node:fs";

/** Text gathered before each write: few system calls, and never the whole file in memory. */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * Writes `pieces` to `path` in order, a megabyte at a time. Reports are written this way, not built
 * as one string: V8's strings stop at 2^29 characters (~512 MB), which report.json passes at about
 * 1.8 million accounts (~300 bytes each, indented), after the hunt that found them has run for hours.
 */
export function writeTextFile(path: string, pieces: Iterable<string>): void {
  const fd = openSync(path, "w");
  try {
    let held: string[] = [];
    let chars = 0;
    for (const piece of pieces) {
      held.push(piece);
      chars += piece.length;
      if (chars >= WRITE_CHUNK_CHARS) {
        writeSync(fd, held.join(""));
        held = [];
        chars = 0;
      }
    }
    if (held.length > 0) writeSync(fd, held.join(""));
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of JSON.stringify(value, null, 2) and a newline, in pieces: the top-level object's arrays
 * (a report's accounts and clusters) an element at a time.
 */
export function* prettyJsonPieces(value: object): Generator<string> {
  // The values JSON.stringify leaves out of an object.
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) {
    yield "{}\n";
    return;
  }
  yield "{";
  for (const [i, [key, v]] of entries.entries()) {
    yield `${i > 0 ? "," : ""}\n  ${JSON.stringify(key)}: `;
    if (!Array.isArray(v) || v.length === 0) {
      yield indented(v, "  ");
      continue;
    }
    yield "[";
    for (let j = 0; j < v.length; j++) yield `${j > 0 ? "," : ""}\n    ${indented(v[j], "    ")}`;
    yield "\n  ]";
  }
  yield "\n}\n";
}

/** `v` indented two spaces a level, starting `pad` deep; JSON strings hold no raw newlines, so every newline is the layout's. */
function indented(v: unknown, pad: string): string {
  return (JSON.stringify(v, null, 2) ?? "null").replaceAll("\n", `\n${pad}`);
}

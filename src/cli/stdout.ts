import { once } from "node:events";

/** Stdout's reader went away (`classify big.jsonl | head`): nothing more can be written, and that is no failure. */
export class ReaderGone extends Error {
  constructor() {
    super("the reader of stdout went away");
    this.name = "ReaderGone";
  }
}

let readerGone = false;

/**
 * Writes to stdout and waits while the reader is behind: `classify big.jsonl | slow-tool` would
 * otherwise hold every line not yet read in memory. Throws ReaderGone once the reader has left, so the
 * command stops reading and closes what it wrote beside stdout (its quarantine) before it ends.
 */
export async function writeStdout(text: string): Promise<void> {
  if (readerGone) throw new ReaderGone();
  if (!process.stdout.write(text)) {
    // An error ends the wait too (`once` rejects on it; the handler below says what it was). The
    // losers' listeners are removed, or every wait would leave two behind.
    const done = new AbortController();
    const { signal } = done;
    try {
      await Promise.race(["drain", "close"].map((event) => once(process.stdout, event, { signal }))).catch(() => undefined);
    } finally {
      done.abort();
    }
  }
  if (readerGone) throw new ReaderGone();
}

/**
 * A reader that goes away ends the output quietly, as Unix tools end on SIGPIPE, instead of an
 * unhandled EPIPE stack trace; the process then ends as the command finishes (exit 0). Exiting here
 * instead would drop what the quarantine writer still held. Other stdout errors still fail loudly.
 */
export function endQuietlyWhenReaderLeaves(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || (readerGone && err.code === "ERR_STREAM_DESTROYED")) {
      readerGone = true;
      return;
    }
    throw err;
  });
}

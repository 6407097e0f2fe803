import { once } from "node:events";

/**
 * Writes to stdout and waits while the reader is behind: `classify big.jsonl | slow-tool` would
 * otherwise hold every line not yet read in memory.
 */
export async function writeStdout(text: string): Promise<void> {
  if (process.stdout.write(text)) return;
  // An error (the reader gone) ends the wait too; the handler below decides what it means. The losers'
  // listeners are removed, or every wait would leave two behind.
  const done = new AbortController();
  const { signal } = done;
  try {
    await Promise.race(["drain", "error", "close"].map((event) => once(process.stdout, event, { signal })));
  } finally {
    done.abort();
  }
}

/**
 * A reader that goes away (`classify big.jsonl | head`) ends the output quietly, as Unix tools end on
 * SIGPIPE, instead of an unhandled EPIPE stack trace. Other stdout errors still fail loudly.
 */
export function endQuietlyWhenReaderLeaves(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

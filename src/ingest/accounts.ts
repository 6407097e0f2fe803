import type { AccountMeta } from "../core/index.js";
import { readAccountMeta } from "./adapters.js";
import { accountLineSchema, describeIssue } from "./envelope.js";
import { LineSplitter, type RawLine } from "./lines.js";
import type { QuarantineWriter } from "./quarantine.js";
import type { InputSource } from "./source.js";
import { newFileCounts, type FileCounts } from "./summary.js";

/**
 * Reads an accounts table (JSON Lines of `{"account": ..., ...account_meta}`) into a map. Accounts
 * tables are small (one line per account), so holding them is bounded by the account count.
 */
export async function readAccountsTable(
  source: InputSource,
  quarantine: QuarantineWriter,
): Promise<{ accounts: Map<string, AccountMeta>; counts: FileCounts }> {
  const accounts = new Map<string, AccountMeta>();
  const counts = newFileCounts(source.name);
  const splitter = new LineSplitter();
  const lines: RawLine[] = [];
  const drain = (): void => {
    for (const line of lines) {
      if (line.kind === "oversize") {
        counts.lines++;
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `line exceeds limit (${line.bytes} bytes)`, raw: line.prefix, truncated: true });
        continue;
      }
      if (line.text.trim() === "") continue;
      counts.lines++;
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (err) {
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: `not JSON: ${(err as Error).message}`, raw: line.text });
        continue;
      }
      const parsed = accountLineSchema.safeParse(value);
      if (!parsed.success) {
        counts.quarantined++;
        quarantine.write({ file: source.name, line: line.lineNo, reason: describeIssue(parsed.error), raw: line.text });
        continue;
      }
      counts.exchanges++;
      accounts.set(parsed.data.account, readAccountMeta(parsed.data));
    }
    lines.length = 0;
  };
  for await (const chunk of source.chunks((n) => (counts.bytes += n))) {
    splitter.push(chunk, lines);
    drain();
  }
  splitter.end(lines);
  drain();
  return { accounts, counts };
}

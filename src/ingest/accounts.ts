import type { AccountMeta } from "../core/index.js";
import { AdapterError, readAccountMeta } from "./adapters.js";
import { accountLineSchema, describeIssue } from "./envelope.js";
import { jsonLineBatches, reject } from "./jsonlines.js";
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
  for await (const lines of jsonLineBatches(source, quarantine, counts)) {
    for (const line of lines) {
      const parsed = accountLineSchema.safeParse(line.value);
      if (!parsed.success) {
        reject(quarantine, counts, source, line, describeIssue(parsed.error));
        continue;
      }
      let meta: AccountMeta;
      try {
        meta = readAccountMeta(parsed.data);
      } catch (err) {
        if (!(err instanceof AdapterError)) throw err;
        reject(quarantine, counts, source, line, err.message);
        continue;
      }
      counts.exchanges++;
      accounts.set(parsed.data.account, meta);
    }
  }
  return { accounts, counts };
}

import { randomUUID } from "node:crypto";
import { ArgumentError, type Appeal, type Sanction } from "../core/index.js";
import type { Store } from "../store/index.js";

export interface FileAppealInput {
  account: string;
  decisionId?: string;
  message: string;
  contact?: string;
}

/** Records an appeal and its audit entry; the analyst resolves it later. */
export async function fileAppeal(store: Store, input: FileAppealInput, now = Date.now()): Promise<Appeal> {
  const appeal: Appeal = { id: `ap_${randomUUID()}`, ts: now, status: "open", ...input };
  await store.putAppeal(appeal);
  await store.appendAudit({
    ts: now,
    actor: `account:${input.account}`,
    kind: "appeal",
    subject: input.account,
    action: "appeal.filed",
    reasons: [input.message.slice(0, 500)],
    detail: { appealId: appeal.id, decisionId: input.decisionId ?? null },
  });
  return appeal;
}

export interface ResolveAppealInput {
  id: string;
  /** lift: end the account's suspension (and exempt it from its cluster's ban); uphold: keep it. */
  outcome: "lift" | "uphold";
  allowlist: boolean;
  by: string;
  note: string;
}

/**
 * Resolves an appeal. Lifting deactivates the account's standing sanctions; allowlisting adds the
 * account to the allowlist, which exempts it from cluster bans and lowers the policy's sensitivity.
 * Every change is audited.
 */
export async function resolveAppeal(
  store: Store,
  input: ResolveAppealInput,
  now = Date.now(),
): Promise<{ appeal: Appeal; lifted: Sanction[]; allowlist: Sanction | null }> {
  const appeal = await store.getAppeal(input.id);
  if (!appeal) throw new ArgumentError(`no appeal ${input.id}`, { id: input.id });
  const status = input.outcome === "lift" ? "lifted" : "upheld";
  if (!(await store.resolveAppeal(input.id, { status, by: input.by, note: input.note, at: now }))) {
    throw new ArgumentError(`appeal ${input.id} is already ${appeal.status}`, { id: input.id, status: appeal.status });
  }
  await store.appendAudit({
    ts: now,
    actor: input.by,
    kind: "appeal",
    subject: appeal.account,
    action: `appeal.${status}`,
    reasons: [input.note],
    detail: { appealId: appeal.id, allowlist: input.allowlist },
  });
  const lifted: Sanction[] = [];
  if (input.outcome === "lift") {
    const standing = (await store.listSanctions({ activeOnly: true })).filter((s) => s.scope === "account" && s.subject === appeal.account && s.action !== "allowlist");
    for (const s of standing) {
      const off: Sanction = { ...s, active: false, reason: `appeal ${appeal.id}: ${input.note}`, ts: now, actor: input.by };
      await store.putSanction(off);
      await store.appendAudit({ ts: now, actor: input.by, kind: "appeal", subject: appeal.account, action: `lift.${s.action}`, reasons: [off.reason], detail: { appealId: appeal.id } });
      lifted.push(off);
    }
  }
  const allowlist = input.allowlist ? await setAllowlisted(store, appeal.account, true, input.by, `appeal ${appeal.id}: ${input.note}`, now) : null;
  return { appeal: (await store.getAppeal(input.id)) ?? appeal, lifted, allowlist };
}

export async function setAllowlisted(store: Store, account: string, on: boolean, by: string, reason: string, now = Date.now()): Promise<Sanction> {
  const sanction: Sanction = { scope: "account", subject: account, action: "allowlist", active: on, reason, ts: now, actor: by };
  await store.putSanction(sanction);
  await store.appendAudit({ ts: now, actor: by, kind: "allowlist", subject: account, action: on ? "allowlist.add" : "allowlist.remove", reasons: [reason] });
  return sanction;
}

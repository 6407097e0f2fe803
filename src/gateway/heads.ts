import { networkOf, type AccountMeta, type ClusterVerdict, type IndicatorKind } from "../core/index.js";
import { EGRESS_WATCH_MS, HARD_KINDS, takesTaint, type LinkKind } from "../cluster/index.js";
import type { RequestSignals } from "../detect/index.js";

/** A request that carries a flagged cluster's own value: the account is one of the cluster's new heads. */
export interface HeadMatch {
  cluster: string;
  kind: IndicatorKind;
  /** As an analyst finds it in the hunt report (prompt families by their short id). */
  shown: string;
  /** The cluster's members that carried the value at the hunt. */
  accounts: number;
}

export interface HeadRequest {
  meta: AccountMeta;
  signals: RequestSignals;
  ip: string | undefined;
  /** In a research programme or of a verified organisation, as its facts claim (isCovered): a head is judged before its traffic is read. */
  covered: boolean;
  youngUnverified: boolean;
  /** Verified or a month old (isEstablishedAt). */
  established: boolean;
  now: number;
}

interface Owner {
  cluster: string;
  accounts: number;
  /** Egress blocks only: watched until then (the cluster's last sighting plus EGRESS_WATCH_MS). */
  until: number;
}

/** The link kind each shared value is in the hunt's graph; asn, TLS and user-agent traits join nobody. */
const LINK_KIND: Partial<Record<IndicatorKind, LinkKind>> = {
  payment_fp: "payment_fp",
  email_hash: "email_hash",
  phone_hash: "phone_hash",
  tool_schema: "tool_schema",
  system_prompt: "system_prompt",
  template: "template",
  slash24: "ip_day",
};

const shownAs = (kind: IndicatorKind, value: string): string => (kind === "template" || kind === "system_prompt" ? `tf_${value.slice(0, 8)}` : kind === "slash24" ? `${value}.x` : value);

/**
 * The flagged clusters' own values (their `indicators`: shared by two or more members, and at least
 * 80% of the accounts that used them at the hunt flagged), for telling a new head between hunts. A
 * hydra replaces a banned account with a fresh one on the same card, harness or proxy block; the hunt
 * flags it at its first request, but the gateway holds verdicts only from the last hunt, so without
 * this the new head would be served until the next run. Replayed through the decision function with a
 * hunt every 7 days (anthropic-2026 at 0.005, seed 5), attackers were served with their reasoning on
 * 6.0% of their requests without this and 1.2% with it, its heads kept suspended (a continuous hunt's
 * verdicts alone: 1.5%); every 28 days, 9.6% and 1.6%; no ordinary request refused either way. The
 * rule for who joins is the hunt's own (takesTaint): hard identifiers join whatever the account,
 * softer values only a new, unverified one.
 */
export class ClusterHeads {
  readonly #byKind = new Map<IndicatorKind, Map<string, Owner>>();

  constructor(clusters: readonly ClusterVerdict[]) {
    // Larger clusters first: a value two clusters share names the one most of it belongs to.
    for (const c of [...clusters].filter((x) => x.flagged).sort((a, b) => b.accounts.length - a.accounts.length)) {
      for (const ind of c.indicators ?? []) {
        if (LINK_KIND[ind.kind] === undefined) continue;
        let values = this.#byKind.get(ind.kind);
        if (!values) this.#byKind.set(ind.kind, (values = new Map()));
        if (!values.has(ind.value)) values.set(ind.value, { cluster: c.id, accounts: ind.accounts, until: ind.kind === "slash24" ? c.lastSeen + EGRESS_WATCH_MS : Infinity });
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const v of this.#byKind.values()) n += v.size;
    return n;
  }

  /** The flagged cluster this request makes its account a head of, or null (nearly always: a few map probes). */
  find(r: HeadRequest): HeadMatch | null {
    if (this.#byKind.size === 0) return null;
    const soft = takesTaint({ hard: false, kind: "template" }, { covered: r.covered, youngUnverified: r.youngUnverified, established: r.established, carries: true });
    const probe = (kind: IndicatorKind, value: string | null | undefined): HeadMatch | null => {
      if (value === null || value === undefined) return null;
      const owner = this.#byKind.get(kind)?.get(value);
      if (!owner || owner.until < r.now) return null;
      const linkKind = LINK_KIND[kind] as LinkKind;
      // Indicators never hold a weak (short) identifier, so a hard kind is a hard link here.
      if (!takesTaint({ hard: HARD_KINDS.has(linkKind), kind: linkKind }, { covered: r.covered, youngUnverified: r.youngUnverified, established: r.established, carries: true })) return null;
      return { cluster: owner.cluster, kind, shown: shownAs(kind, value), accounts: owner.accounts };
    };
    const found = probe("payment_fp", r.meta.paymentFp) ?? probe("email_hash", r.meta.emailHash) ?? probe("phone_hash", r.meta.phoneHash) ?? probe("tool_schema", r.signals.toolSchemaHash);
    if (found || !soft) return found;
    // Only a new, unverified account reads its prompt families here: the template is hashed on first read.
    const fromPrompt = probe("system_prompt", r.signals.systemPromptHash) ?? (this.#byKind.has("template") ? this.#templateHead(r, probe) : null);
    return fromPrompt ?? (r.ip ? probe("slash24", networkOf(r.ip)) : null);
  }

  #templateHead(r: HeadRequest, probe: (kind: IndicatorKind, value: string) => HeadMatch | null): HeadMatch | null {
    const t = r.signals.template;
    if (t.templated) {
      const exact = probe("template", t.exact);
      if (exact) return exact;
    }
    for (const f of t.frames) {
      const m = probe("template", f);
      if (m) return m;
    }
    return null;
  }
}

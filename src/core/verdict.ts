/** Results the detection levels produce and the store, report, gateway and intel exchange read. */

export interface AccountVerdict {
  account: string;
  /** 0..1, higher = more likely distillation. */
  score: number;
  flagged: boolean;
  cluster: string | null;
  /** Epoch ms at which a time-ordered replay first flagged the account; null if never. */
  firstFlaggedAt: number | null;
  exchanges: number;
  /** Epoch ms of the account's last exchange the hunt read. Absent from verdicts stored before it was kept. */
  lastSeen?: number;
  reasons: string[];
}

export interface ClusterLink {
  kind: string;
  value: string;
  accounts: number;
}

export interface ClusterVerdict {
  id: string;
  accounts: string[];
  exchanges: number;
  score: number;
  flagged: boolean;
  firstSeen: number;
  lastSeen: number;
  firstFlaggedAt: number | null;
  domains: Record<string, number>;
  /**
   * The members' requests asking for the reasoning, and their capability domains (shares of those asks):
   * what a harvest targeted, which its cover traffic dilutes in `domains`.
   */
  asks?: number;
  askDomains?: Record<string, number>;
  links: ClusterLink[];
  reasons: string[];
  /** Where the cluster's traffic came from (distinct values over members, each capped at 512 per account). */
  infrastructure?: { countries: number; asns: number; slash24s: number; userAgents: string[] };
  /** Exchanges per week since the log's first week (index 0 = week of the first exchange). */
  weekly?: number[];
  /**
   * Full identifier values behind the cluster, with how many members share each (at most 2,048 per
   * kind, 64 for network traits, most shared first). Local data: intel export keys and hashes them
   * before anything leaves; the gateway tells new heads by them.
   */
  indicators?: ClusterIndicator[];
}

export const INDICATOR_KINDS = ["payment_fp", "email_hash", "phone_hash", "tool_schema", "system_prompt", "template", "slash24", "asn", "tls_fp", "user_agent"] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

export interface ClusterIndicator {
  kind: IndicatorKind;
  value: string;
  accounts: number;
  /** Template families: MinHash (32 bins) over word 3-shingles of the masked template. */
  minhash?: number[];
}

export type AuditKind =
  | "decision"
  | "policy"
  | "appeal"
  | "allowlist"
  | "hunt"
  | "intel.shared"
  | "intel.received"
  | "intel.rejected"
  | "intel.contested"
  | "intel.contest_lifted";

export interface AuditEntry {
  ts: number;
  actor: string;
  kind: AuditKind;
  subject: string;
  action: string;
  reasons: string[];
  policyVersion?: string;
  detail?: Record<string, unknown>;
  /**
   * Unique among stored entries: an entry whose key is already stored is not stored again. A write
   * that committed but whose answer was lost (a connection dropped after the commit) fails for the
   * writer, which then writes the same entries again; keyed, they are held once.
   */
  key?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  seq: number;
}

export interface IntelRecord {
  id: string;
  type: string;
  /** STIX `modified` (or `created`) timestamp; together with id, the object's version. */
  modified: string;
  /** Epoch ms the local store first held this version (TAXII `date_added`). */
  addedAt: number;
  source: string;
  object: Record<string, unknown>;
}

/**
 * A standing enforcement decision about an account or a cluster. Durable (in the store) so that
 * every gateway replica and the analyst CLI see the same list; latest write per (scope, subject,
 * action) wins, and lifting sets `active` false rather than deleting (the audit log keeps history).
 */
export type SanctionAction = "suspend" | "ban" | "allowlist";
export interface Sanction {
  scope: "account" | "cluster";
  subject: string;
  action: SanctionAction;
  active: boolean;
  reason: string;
  ts: number;
  actor: string;
  policyVersion?: string;
  /**
   * On a suspension the gateway stood up for a new head of a flagged cluster: a guess made between
   * hunts from one value the account shares with the cluster, which the next hunt that reads the
   * account's traffic confirms (it flags the account) or lapses (see lapsedHeads). Kept on the lift,
   * so that an account a hunt or an analyst cleared is not taken for a head again.
   */
  head?: { cluster: string; via: IndicatorKind };
}

export type AppealStatus = "open" | "lifted" | "upheld";
export interface Appeal {
  id: string;
  ts: number;
  account: string;
  /** The decision appealed against (its id as returned by the gateway), when known. */
  decisionId?: string;
  message: string;
  contact?: string;
  status: AppealStatus;
  resolvedAt?: number;
  resolvedBy?: string;
  resolution?: string;
}

import { cidrOfNetwork, type ClusterIndicator, type ClusterVerdict, type IndicatorKind } from "../core/index.js";
import { keyedHash, keyedMinhash, minhashHex, type Keyring } from "./keys.js";
import { signObject, type Signer, type StixObject } from "./signing.js";
import {
  isoMillis,
  KEYED_HASH_EXTENSION_ID,
  KEYED_HASH_TYPE,
  MAX_ASN,
  MODEL_EXTRACTION_PATTERN_ID,
  patternOf,
  scoIdOf,
  sharedDefinitions,
  SPEC_VERSION,
  stixId,
  tlpMarking,
  type IndicatorValue,
  type TlpLevel,
} from "./stix.js";

export interface ProviderIdentity {
  id: string;
  name: string;
}

export interface ExportOptions {
  identity: ProviderIdentity;
  keyring: Keyring;
  signer: Signer;
  tlp: TlpLevel;
  now: number;
  /** Template families are shared only when at least this many accounts used them (never the text). */
  minTemplateAccounts?: number;
  /** Indicators stay valid this long after the cluster was last seen. */
  validDays?: number;
}

const DAY = 86_400_000;

/**
 * How much one indicator says on its own, before the cluster's score scales it: a card or email
 * shared across a flagged cluster is near-proof; a /24 or a user agent is shared by bystanders too.
 */
const KIND_WEIGHT: Record<IndicatorKind, number> = {
  payment_fp: 0.95,
  email_hash: 0.9,
  phone_hash: 0.9,
  tool_schema: 0.75,
  system_prompt: 0.7,
  template: 0.65,
  tls_fp: 0.5,
  asn: 0.35,
  slash24: 0.45,
  user_agent: 0.3,
};
/** Network indicators age fastest: proxy exits are recycled to other customers. */
const KIND_VALID_DAYS: Partial<Record<IndicatorKind, number>> = { slash24: 30, asn: 30, user_agent: 30, tls_fp: 60 };

/** A stable campaign id across re-hunts: keyed on the cluster's strongest shared identifiers, not its run-local id. */
function campaignKey(c: ClusterVerdict, keyring: Keyring): string {
  const strongest = (c.indicators ?? [])
    .filter((i) => i.kind === "payment_fp" || i.kind === "email_hash" || i.kind === "phone_hash" || i.kind === "tool_schema")
    .slice(0, 3)
    .map((i) => keyedHash(keyring.current, i.kind, i.value))
    .sort();
  return strongest.length > 0 ? strongest.join(",") : keyedHash(keyring.current, "cluster", `${c.firstSeen}:${c.accounts.length}`);
}

function indicatorValue(i: ClusterIndicator, keyring: Keyring): IndicatorValue | null {
  if (i.kind === "slash24") {
    const cidr = cidrOfNetwork(i.value);
    return cidr === null ? null : { kind: "network", cidrs: [cidr], asns: [] };
  }
  if (i.kind === "asn") {
    const n = Number(i.value);
    return Number.isInteger(n) && n >= 0 && n <= MAX_ASN ? { kind: "network", cidrs: [], asns: [n] } : null;
  }
  return { kind: "keyed", idKind: i.kind, keyId: keyring.currentId, hmac: keyedHash(keyring.current, i.kind, i.value) };
}

/**
 * Flagged clusters → one STIX 2.1 bundle: the provider's identity, a campaign per cluster (counts,
 * time span and domains only; no account ids, no prompts), proxy infrastructure, indicators with
 * keyed hashes, relationships, TLP marking, every object signed.
 */
export function exportClusters(clusters: readonly ClusterVerdict[], o: ExportOptions): { type: "bundle"; id: string; objects: StixObject[] } {
  const now = isoMillis(o.now);
  const minTemplate = o.minTemplateAccounts ?? 3;
  const validDays = o.validDays ?? 90;
  const marking = tlpMarking(o.tlp);
  const markingRefs = [marking.id as string];
  const ours: StixObject[] = [];
  const base = (type: string, id: string): StixObject => ({
    type,
    spec_version: SPEC_VERSION,
    id,
    created: now,
    modified: now,
    created_by_ref: o.identity.id,
    object_marking_refs: markingRefs,
  });
  ours.push({ ...base("identity", o.identity.id), name: o.identity.name, identity_class: "organization", sectors: ["technology"] });
  const relationship = (kind: string, source: string, target: string): StixObject => ({
    ...base("relationship", stixId("relationship", o.identity.id, kind, source, target)),
    relationship_type: kind,
    source_ref: source,
    target_ref: target,
  });

  for (const c of clusters.filter((x) => x.flagged)) {
    const key = campaignKey(c, o.keyring);
    const campaignId = stixId("campaign", o.identity.id, key);
    const confidence = Math.round(Math.min(1, c.score) * 100);
    const topDomains = Object.entries(c.domains)
      .filter(([, v]) => v > 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([d, v]) => `${d} ${Math.round(v * 100)}%`);
    ours.push({
      ...base("campaign", campaignId),
      name: `Hydra cluster ${campaignId.slice(10, 18)}`,
      description: `${c.accounts.length} accounts, ${c.exchanges} exchanges; capability domains: ${topDomains.join(", ") || "mixed"}.`,
      first_seen: isoMillis(c.firstSeen),
      last_seen: isoMillis(Math.max(c.firstSeen + 1, c.lastSeen)),
      objective: "Harvest model outputs at scale to train a competing model (distillation).",
      confidence,
    });
    ours.push(relationship("uses", campaignId, MODEL_EXTRACTION_PATTERN_ID));

    const network = (c.indicators ?? []).filter((i) => i.kind === "slash24" || i.kind === "asn" || i.kind === "tls_fp" || i.kind === "user_agent");
    let infraId: string | null = null;
    if (network.length > 0) {
      infraId = stixId("infrastructure", o.identity.id, key, "proxy");
      ours.push({
        ...base("infrastructure", infraId),
        name: `Proxy network of ${campaignId.slice(10, 18)}`,
        infrastructure_types: ["anonymization"],
        description: `Client infrastructure shared by the campaign's accounts: ${c.infrastructure?.countries ?? "?"} countries, ${c.infrastructure?.asns ?? "?"} ASNs, ${c.infrastructure?.slash24s ?? "?"} /24 (IPv6: /48) networks.`,
        first_seen: isoMillis(c.firstSeen),
        last_seen: isoMillis(Math.max(c.firstSeen + 1, c.lastSeen)),
      });
      ours.push(relationship("uses", campaignId, infraId));
    }

    const values: Array<{ ind: ClusterIndicator; v: IndicatorValue }> = [];
    for (const ind of c.indicators ?? []) {
      if (ind.kind === "template" && ind.accounts < minTemplate) continue;
      const v = indicatorValue(ind, o.keyring);
      if (v) values.push({ ind, v });
      if (ind.kind === "template" && ind.minhash?.length === 32) {
        values.push({ ind, v: { kind: "minhash", keyId: o.keyring.currentId, minhash: minhashHex(keyedMinhash(o.keyring.current, ind.minhash)) } });
      }
    }
    for (const { ind, v } of values) {
      const pattern = patternOf(v);
      const id = stixId("indicator", o.identity.id, pattern);
      const days = Math.min(validDays, KIND_VALID_DAYS[ind.kind] ?? validDays);
      ours.push({
        ...base("indicator", id),
        name: `${v.kind === "minhash" ? "template family (near-duplicates)" : ind.kind} shared by ${ind.accounts} accounts of a hydra cluster`,
        indicator_types: ind.kind === "slash24" || ind.kind === "asn" || ind.kind === "user_agent" ? ["anomalous-activity"] : ["malicious-activity"],
        pattern,
        pattern_type: "stix",
        pattern_version: "2.1",
        valid_from: isoMillis(c.firstFlaggedAt ?? c.firstSeen),
        valid_until: isoMillis(Math.max(c.lastSeen, o.now) + days * DAY),
        // Two members sharing an identifier is a link; three or more is a pattern.
        confidence: Math.max(1, Math.round(confidence * KIND_WEIGHT[ind.kind] * (ind.accounts >= 3 ? 1 : 0.8))),
        labels: [`kind:${ind.kind}`, `accounts:${ind.accounts}`],
      });
      ours.push(relationship("indicates", id, campaignId));
      if (infraId && network.includes(ind)) ours.push(relationship("indicates", id, infraId));
      if (v.kind === "minhash") {
        const scoId = scoIdOf(KEYED_HASH_TYPE, { key_id: v.keyId, kind: "template_minhash", minhash: v.minhash });
        if (!ours.some((x) => x.id === scoId)) {
          ours.push({
            type: KEYED_HASH_TYPE,
            spec_version: SPEC_VERSION,
            id: scoId,
            kind: "template_minhash",
            key_id: v.keyId,
            minhash: v.minhash,
            object_marking_refs: markingRefs,
            extensions: { [KEYED_HASH_EXTENSION_ID]: { extension_type: "new-sco" } },
          });
        }
      }
      if (v.kind === "keyed") {
        const scoId = scoIdOf(KEYED_HASH_TYPE, { hmac: v.hmac, key_id: v.keyId, kind: v.idKind });
        if (!ours.some((x) => x.id === scoId)) {
          ours.push({
            type: KEYED_HASH_TYPE,
            spec_version: SPEC_VERSION,
            id: scoId,
            kind: v.idKind,
            key_id: v.keyId,
            hmac: v.hmac,
            object_marking_refs: markingRefs,
            extensions: { [KEYED_HASH_EXTENSION_ID]: { extension_type: "new-sco" } },
          });
        }
      }
    }
  }
  const signed = ours.map((obj) => signObject(obj, o.signer));
  // Extension definitions travel on their own (TAXII objects, `intel definitions`), not in bundles:
  // the official bundle schema's custom-object branch is oneOf(core, cyber-observable-core), and an
  // extension-definition satisfies both, so no bundle holding one can validate.
  const shared = sharedDefinitions().filter((d) => d.type !== "extension-definition") as StixObject[];
  return { type: "bundle", id: stixId("bundle", o.identity.id, now), objects: [...shared, ...signed] };
}

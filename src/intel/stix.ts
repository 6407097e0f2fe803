import { v5 as uuidv5 } from "uuid";
import { canonicalJson, parseIpBlock } from "../core/index.js";

/**
 * STIX 2.1 vocabulary the exchange uses: fixed ids for shared definitions (TLP 2.0 markings, our
 * extension definitions, the model-extraction attack pattern) so every member emits byte-identical
 * copies, and deterministic ids for everything else so re-exports update rather than duplicate.
 */
export const SPEC_VERSION = "2.1";
/** UUIDv5 namespace of hydrasentry-generated STIX ids. */
const NAMESPACE = "6f1c1e0a-5a43-5b8e-9a47-2d0f3d7b9c11";

export const stixId = (type: string, ...parts: string[]): string => `${type}--${uuidv5(parts.join("\u0000"), NAMESPACE)}`;

/** STIX 2.1 §2.9: cyber-observable ids are UUIDv5 in this namespace over the id-contributing properties. */
const SCO_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";
export const scoIdOf = (type: string, contributing: Record<string, unknown>): string => `${type}--${uuidv5(canonicalJson(contributing), SCO_NAMESPACE)}`;

/** The project's own identity: creator of the shared extension definitions. */
export const PROJECT_IDENTITY_ID = "identity--b1d4c0e5-7f3a-5c2e-8d61-0a9e4f2b7c35";
export const KEYED_HASH_EXTENSION_ID = "extension-definition--2f6a5d1e-9c4b-5e7a-b3d8-1e0f4a6c9b72";
export const SIGNATURE_EXTENSION_ID = "extension-definition--8a3e7c19-4d2b-5f60-9e15-c7b2a0d4e836";
export const KEYED_HASH_TYPE = "x-hydra-keyed-hash";
const DEFINED_AT = "2026-11-01T00:00:00.000Z";

export const TLP_LEVELS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];
const TLP_IDS: Record<TlpLevel, string> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};
const TLP_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
const FIRST_IDENTITY_ID = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01";

/** The FIRST TLP 2.0 marking definition objects, as published for STIX 2.1. */
export function tlpMarking(level: TlpLevel): Record<string, unknown> {
  return {
    type: "marking-definition",
    spec_version: SPEC_VERSION,
    id: TLP_IDS[level],
    created_by_ref: FIRST_IDENTITY_ID,
    created: "2022-10-01T00:00:00.000Z",
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: level } },
  };
}

export function tlpOf(markingRefs: unknown): TlpLevel | null {
  if (!Array.isArray(markingRefs)) return null;
  for (const [level, id] of Object.entries(TLP_IDS)) if (markingRefs.includes(id)) return level as TlpLevel;
  return null;
}

export function projectIdentity(): Record<string, unknown> {
  return {
    type: "identity",
    spec_version: SPEC_VERSION,
    id: PROJECT_IDENTITY_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    name: "hydrasentry project",
    identity_class: "organization",
    description: "Publisher of the hydrasentry STIX extension definitions for sharing distillation-campaign indicators.",
  };
}

/** The declared custom observable: a keyed hash of an identifier, never the identifier. */
export function keyedHashExtension(): Record<string, unknown> {
  return {
    type: "extension-definition",
    spec_version: SPEC_VERSION,
    id: KEYED_HASH_EXTENSION_ID,
    created_by_ref: PROJECT_IDENTITY_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    name: "hydrasentry keyed-hash observable",
    description:
      "x-hydra-keyed-hash: HMAC-SHA-256 (consortium key `key_id`) of an account or client identifier of kind `kind` " +
      "(payment_fp, email_hash, phone_hash, tls_fp, user_agent, tool_schema, system_prompt, template). Raw values are never shared. " +
      "kind template_minhash carries `minhash` instead of `hmac`: 32 MinHash bins over word 3-shingles of the masked template, each keyed " +
      "with consortium-derived salts; a request matches when at least 75% of its bins are equal.",
    schema: "https://github.com/hydrasentry/hydrasentry/blob/main/docs/stix/x-hydra-keyed-hash.md",
    version: "1.0.0",
    extension_types: ["new-sco"],
  };
}

/** The declared property extension carrying each object's Ed25519 signature. */
export function signatureExtension(): Record<string, unknown> {
  return {
    type: "extension-definition",
    spec_version: SPEC_VERSION,
    id: SIGNATURE_EXTENSION_ID,
    created_by_ref: PROJECT_IDENTITY_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    name: "hydrasentry object signature",
    description: "Ed25519 signature over the RFC 8785 canonical JSON of the object without this extension; `signer` is the identity whose pinned key verifies it.",
    schema: "https://github.com/hydrasentry/hydrasentry/blob/main/docs/stix/signature.md",
    version: "1.0.0",
    extension_types: ["property-extension"],
  };
}

export const MODEL_EXTRACTION_PATTERN_ID = "attack-pattern--0d7c6a3e-1f52-5b94-a8e3-6c4b2f9d1e07";

/** MITRE ATLAS AML.T0024.002, Exfiltration via ML Inference API: Extract ML Model. */
export function modelExtractionPattern(): Record<string, unknown> {
  return {
    type: "attack-pattern",
    spec_version: SPEC_VERSION,
    id: MODEL_EXTRACTION_PATTERN_ID,
    created_by_ref: PROJECT_IDENTITY_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    name: "Extract ML Model (distillation through many accounts)",
    description: "Harvesting a model's outputs at scale through fraudulent accounts and proxy networks to train a competing model.",
    external_references: [{ source_name: "mitre-atlas", external_id: "AML.T0024.002", url: "https://atlas.mitre.org/techniques/AML.T0024.002" }],
  };
}

/** Shared definitions every member emits identically; receivers accept them by exact content, unsigned. */
export function sharedDefinitions(): Array<Record<string, unknown>> {
  return [projectIdentity(), keyedHashExtension(), signatureExtension(), modelExtractionPattern(), ...TLP_LEVELS.map(tlpMarking)];
}

/**
 * A network indicator: any of these address blocks (canonical CIDR text; a bare address is a block of
 * one) or autonomous systems. One shape for what we emit (one /24 or /48, or one ASN) and for what other
 * tools send (single addresses, blocks of any length, ISSUBSET, OR-lists of them).
 */
export interface NetworkTerms {
  kind: "network";
  cidrs: string[];
  asns: number[];
}

/** STIX patterns the exchange emits and the watchlist reads back; anything else is stored, not matched. */
export type IndicatorValue =
  | NetworkTerms
  | { kind: "keyed"; idKind: string; keyId: string; hmac: string }
  /** A template family's keyed MinHash: matches near-duplicates (most bins equal), not just the exact text. */
  | { kind: "minhash"; keyId: string; minhash: string };

export function patternOf(v: IndicatorValue): string {
  if (v.kind === "network") {
    const terms = [
      ...v.cidrs.map((c) => `${c.includes(":") ? "ipv6-addr" : "ipv4-addr"}:value = '${c}'`),
      ...v.asns.map((n) => `autonomous-system:number = ${n}`),
    ];
    return `[${terms.join(" OR ")}]`;
  }
  if (v.kind === "minhash") return `[${KEYED_HASH_TYPE}:kind = 'template_minhash' AND ${KEYED_HASH_TYPE}:key_id = '${v.keyId}' AND ${KEYED_HASH_TYPE}:minhash = '${v.minhash}']`;
  return `[${KEYED_HASH_TYPE}:kind = '${v.idKind}' AND ${KEYED_HASH_TYPE}:key_id = '${v.keyId}' AND ${KEYED_HASH_TYPE}:hmac = '${v.hmac}']`;
}

/** The largest autonomous-system number (32 bits). */
export const MAX_ASN = 4_294_967_295;

/** Terms past which a network pattern is not read: a feed's whole block list belongs in many indicators. */
export const MAX_NETWORK_TERMS = 256;
const NETWORK_TERM = /^(ipv[46])-addr:value\s+(?:=|ISSUBSET)\s+'([0-9A-Fa-f:.]{2,45}(?:\/\d{1,3})?)'$|^autonomous-system:number\s*=\s*(\d{1,10})$/;

/**
 * The network terms of a pattern that is a disjunction of address and ASN comparisons, in one
 * observation ("[a OR b]") or several ("[a] OR [b]"); null for anything else (AND, other objects,
 * qualifiers such as WITHIN or START/STOP), which the watchlist stores and does not match. Written by
 * hand: no maintained JavaScript STIX-pattern parser exists, and this subset is all the watchlist acts on.
 */
function parseNetworkPattern(pattern: string): NetworkTerms | null {
  const body = pattern.trim();
  if (!body.startsWith("[") || !body.endsWith("]")) return null;
  const terms = body
    .slice(1, -1)
    .split(/\s*\]\s+OR\s+\[\s*|\s+OR\s+/)
    .map((t) => t.trim());
  if (terms.length > MAX_NETWORK_TERMS) return null;
  const out: NetworkTerms = { kind: "network", cidrs: [], asns: [] };
  for (const term of terms) {
    const m = NETWORK_TERM.exec(term);
    if (!m) return null;
    if (m[3] !== undefined) {
      const asn = Number(m[3]);
      if (asn > MAX_ASN) return null;
      if (!out.asns.includes(asn)) out.asns.push(asn);
      continue;
    }
    const text = m[2] as string;
    const block = parseIpBlock(text);
    // An ipv4-addr holding an IPv6 block is malformed; an ipv6-addr may hold an IPv4-mapped one.
    if (block === null || (m[1] === "ipv4" && (block.family !== 4 || text.includes(":"))) || (m[1] === "ipv6" && !text.includes(":"))) return null;
    if (!out.cidrs.includes(block.cidr)) out.cidrs.push(block.cidr);
  }
  return out;
}

const KEYED_PATTERN = new RegExp(`^\\[${KEYED_HASH_TYPE}:kind = '([a-z0-9_]{1,32})' AND ${KEYED_HASH_TYPE}:key_id = '([A-Za-z0-9._-]{1,64})' AND ${KEYED_HASH_TYPE}:hmac = '([0-9a-f]{64})'\\]$`);

const MINHASH_PATTERN = new RegExp(`^\\[${KEYED_HASH_TYPE}:kind = 'template_minhash' AND ${KEYED_HASH_TYPE}:key_id = '([A-Za-z0-9._-]{1,64})' AND ${KEYED_HASH_TYPE}:minhash = '([0-9a-f]{256})'\\]$`);

export function parsePattern(pattern: string): IndicatorValue | null {
  const mh = MINHASH_PATTERN.exec(pattern);
  if (mh) return { kind: "minhash", keyId: mh[1] as string, minhash: mh[2] as string };
  const m = KEYED_PATTERN.exec(pattern);
  if (m) return { kind: "keyed", idKind: m[1] as string, keyId: m[2] as string, hmac: m[3] as string };
  return parseNetworkPattern(pattern);
}

export const isoMillis = (ms: number): string => new Date(ms).toISOString();

import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../core/index.js";
import type { Store } from "../store/index.js";
import { verifyObject, type StixObject } from "./signing.js";
import { sharedDefinitions, tlpOf } from "./stix.js";

const MAX_OBJECT_BYTES = 64 * 1024;
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}";
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ts = z.string().regex(TIMESTAMP, "must be a STIX timestamp (UTC, Z)");

const common = z.looseObject({
  type: z.string().regex(/^[a-z][a-z0-9-]{1,249}$/),
  id: z.string().max(300),
  spec_version: z.literal("2.1").optional(),
  created: ts.optional(),
  modified: ts.optional(),
  confidence: z.number().int().min(0).max(100).optional(),
});

/** The few types the watchlist acts on get their fields checked; everything else only the common core. */
const typed: Record<string, z.ZodType> = {
  indicator: z.looseObject({ pattern: z.string().min(1).max(4096), pattern_type: z.string().min(1).max(64), valid_from: ts, valid_until: ts.optional(), created_by_ref: z.string().max(300).optional() }),
  sighting: z.looseObject({ sighting_of_ref: z.string().max(300), count: z.number().int().min(0).max(999_999_999).optional(), created_by_ref: z.string().max(300).optional() }),
  opinion: z.looseObject({
    opinion: z.enum(["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"]),
    object_refs: z.array(z.string().max(300)).min(1).max(1000),
    created_by_ref: z.string().max(300).optional(),
  }),
};

/** Structural check of one received STIX object; returns why it is refused, or null. */
export function stixProblem(value: unknown): string | null {
  const parsed = common.safeParse(value);
  if (!parsed.success) return `not a STIX object: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim();
  const obj = parsed.data;
  if (!new RegExp(`^${obj.type}--${UUID}$`).test(obj.id)) return `id ${obj.id.slice(0, 80)} is not ${obj.type}--<uuid>`;
  const sdoOrSro = obj.type !== "marking-definition" && obj.type !== "bundle" && !obj.type.startsWith("x-") && !SCO_TYPES.has(obj.type);
  if (sdoOrSro && (!obj.created || !obj.modified)) return `${obj.type} without created/modified`;
  const check = typed[obj.type];
  if (check) {
    const r = check.safeParse(obj);
    if (!r.success) return `${obj.type}: ${r.error.issues[0]?.path.join(".") ?? ""} ${r.error.issues[0]?.message ?? ""}`.trim();
  }
  if (Buffer.byteLength(JSON.stringify(obj)) > MAX_OBJECT_BYTES) return `object larger than ${MAX_OBJECT_BYTES} bytes`;
  return null;
}

const SCO_TYPES = new Set([
  "artifact",
  "autonomous-system",
  "directory",
  "domain-name",
  "email-addr",
  "email-message",
  "file",
  "ipv4-addr",
  "ipv6-addr",
  "mac-addr",
  "mutex",
  "network-traffic",
  "process",
  "software",
  "url",
  "user-account",
  "windows-registry-key",
  "x509-certificate",
]);

const SHARED = new Map(sharedDefinitions().map((d) => [d.id as string, canonicalJson(d)]));

export interface ReceiveOptions {
  store: Store;
  /** Identity id → pinned Ed25519 public key of each member we accept objects from. */
  pinned: ReadonlyMap<string, KeyObject>;
  /** Where the objects came from: "peer:<name>" for sync, "collection:<id>" for TAXII posts. */
  source: string;
  actor: string;
  now?: number;
  /** Accept unsigned objects (reading third-party STIX such as the OASIS examples); never for peers. */
  allowUnsigned?: boolean;
}

export interface ReceiveResult {
  accepted: Array<{ id: string; version: string }>;
  duplicates: number;
  rejected: Array<{ id: string; version: string | null; message: string }>;
}

const versionOf = (o: StixObject): string => String(o.modified ?? o.created ?? "1970-01-01T00:00:00.000Z");

/**
 * Validates, verifies and stores received objects, auditing each: accepted with its TLP, or rejected
 * with the reason. Shared definitions (TLP, our extension definitions) are accepted only when
 * byte-identical to the published ones; everything else must carry a valid signature from a pinned key.
 */
export async function receiveObjects(objects: readonly unknown[], o: ReceiveOptions): Promise<ReceiveResult> {
  const now = o.now ?? Date.now();
  const result: ReceiveResult = { accepted: [], duplicates: 0, rejected: [] };
  for (const raw of objects) {
    const problem = stixProblem(raw);
    const obj = raw as StixObject;
    const id = typeof obj?.id === "string" ? obj.id.slice(0, 300) : "(no id)";
    const reject = async (message: string): Promise<void> => {
      result.rejected.push({ id, version: typeof obj?.modified === "string" ? obj.modified : null, message });
      await o.store.appendAudit({ ts: now, actor: o.actor, kind: "intel.rejected", subject: id, action: "reject", reasons: [message], detail: { source: o.source } });
    };
    if (problem) {
      await reject(problem);
      continue;
    }
    const shared = SHARED.get(obj.id);
    if (shared !== undefined) {
      if (canonicalJson(obj) !== shared) {
        await reject("differs from the published shared definition");
        continue;
      }
    } else if (!o.allowUnsigned) {
      const v = verifyObject(obj, o.pinned);
      if (!v.ok) {
        await reject(`signature: ${v.reason}`);
        continue;
      }
    }
    const fresh = await o.store.putIntel({ id: obj.id, type: obj.type, modified: versionOf(obj), source: o.source, object: obj }, now);
    if (!fresh) {
      result.duplicates++;
      continue;
    }
    result.accepted.push({ id: obj.id, version: versionOf(obj) });
    await o.store.appendAudit({
      ts: now,
      actor: o.actor,
      kind: "intel.received",
      subject: obj.id,
      action: "accept",
      reasons: [`${obj.type} from ${String(obj.created_by_ref ?? "?")}`],
      detail: { source: o.source, tlp: tlpOf(obj.object_marking_refs), version: versionOf(obj) },
    });
  }
  return result;
}

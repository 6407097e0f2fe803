import type { KeyObject } from "node:crypto";
import type { Store } from "../store/index.js";
import { receiveObjects, type ReceiveResult } from "./receive.js";
import { signObject, type Signer, type StixObject } from "./signing.js";
import { isoMillis, SPEC_VERSION, stixId, tlpMarking, tlpOf, type TlpLevel } from "./stix.js";
import { collectionSource, TAXII_MEDIA_TYPE } from "./taxii-server.js";

export interface Peer {
  name: string;
  /** API root URL, e.g. http://peer.example/taxii2/api1/ */
  apiRoot: string;
  collection: string;
  token: string;
  /** Identity id → the peer's pinned public key(s). */
  pinned: ReadonlyMap<string, KeyObject>;
  push?: boolean;
}

export class TaxiiClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "TaxiiClientError";
  }
}

const TIMEOUT_MS = 15_000;

async function call(peer: Peer, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(path, peer.apiRoot.endsWith("/") ? peer.apiRoot : `${peer.apiRoot}/`);
  const res = await fetch(url, {
    ...init,
    headers: { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${peer.token}`, ...(init.headers as Record<string, string> | undefined) },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) {
    const body = await res.text().catch(() => "");
    throw new TaxiiClientError(res.status, `${peer.name}: ${init.method ?? "GET"} ${url.pathname} → ${res.status} ${body.slice(0, 300)}`);
  }
  return res;
}

const cursorKey = (peer: Peer, dir: "pull" | "push"): string => `taxii:${dir}:${peer.name}:${peer.collection}`;

/**
 * Pulls what a peer added since the last sync, page by page, verifying every object against the
 * peer's pinned keys and storing it under `peer:<name>`. Resumes from the stored cursor; storing is
 * idempotent by (id, modified), so an interrupted sync can simply run again.
 */
export async function pullFromPeer(store: Store, peer: Peer, opts: { pageSize?: number; now?: () => number } = {}): Promise<ReceiveResult & { pages: number }> {
  const total: ReceiveResult & { pages: number } = { accepted: [], duplicates: 0, rejected: [], pages: 0 };
  const saved = await store.getCursor(cursorKey(peer, "pull"));
  let next: string | null = null;
  let lastAdded = saved;
  for (;;) {
    const q = new URLSearchParams({ limit: String(opts.pageSize ?? 500) });
    if (next) q.set("next", next);
    else if (saved) q.set("added_after", saved);
    const res = await call(peer, `collections/${peer.collection}/objects/?${q.toString()}`);
    const env = (await res.json()) as { objects?: unknown[]; more?: boolean; next?: string };
    const r = await receiveObjects(env.objects ?? [], { store, pinned: peer.pinned, source: `peer:${peer.name}`, actor: `sync:${peer.name}`, now: opts.now?.() });
    total.accepted.push(...r.accepted);
    total.duplicates += r.duplicates;
    total.rejected.push(...r.rejected);
    total.pages++;
    lastAdded = res.headers.get("x-taxii-date-added-last") ?? lastAdded;
    if (!env.more || !env.next) break;
    next = env.next;
  }
  if (lastAdded && lastAdded !== saved) await store.setCursor(cursorKey(peer, "pull"), lastAdded);
  return total;
}

/** Pushes our own collection's objects added since the last push to a peer that grants us write. */
export async function pushToPeer(store: Store, peer: Peer, ownCollection: string): Promise<{ sent: number; status: Record<string, unknown> | null }> {
  const after = Number((await store.getCursor(cursorKey(peer, "push"))) ?? -1);
  const records = await store.listIntel({ addedAfter: after, sources: [collectionSource(ownCollection)], limit: 5000 });
  if (records.length === 0) return { sent: 0, status: null };
  const res = await call(peer, `collections/${peer.collection}/objects/`, {
    method: "POST",
    headers: { "content-type": TAXII_MEDIA_TYPE },
    body: JSON.stringify({ objects: records.map((r) => r.object) }),
  });
  const status = (await res.json()) as Record<string, unknown>;
  await store.setCursor(cursorKey(peer, "push"), String(records.at(-1)?.addedAt ?? after));
  return { sent: records.length, status };
}

/**
 * Puts our own (signed) objects into our collection, auditing each as shared with its TLP: from
 * here members pull them. Returns how many were new.
 */
export async function publish(store: Store, collection: string, objects: readonly StixObject[], actor: string, now = Date.now()): Promise<number> {
  let fresh = 0;
  for (const obj of objects) {
    const version = String(obj.modified ?? obj.created ?? "1970-01-01T00:00:00.000Z");
    if (!(await store.putIntel({ id: obj.id, type: obj.type, modified: version, source: collectionSource(collection), object: obj }, now))) continue;
    fresh++;
    await store.appendAudit({
      ts: now,
      actor,
      kind: "intel.shared",
      subject: obj.id,
      action: "publish",
      reasons: [`${obj.type} published to collection ${collection}`],
      detail: { tlp: tlpOf(obj.object_marking_refs), version, collection },
    });
  }
  return fresh;
}

export type OpinionValue = "strongly-disagree" | "disagree" | "neutral" | "agree" | "strongly-agree";

/** One signed object of ours about someone's indicator: the common STIX envelope, then the type's fields. */
function aboutIndicator(type: "opinion" | "sighting", o: { signer: Signer; indicatorId: string; tlp: TlpLevel; now: number }, fields: Record<string, unknown>): StixObject {
  const now = isoMillis(o.now);
  return signObject(
    {
      type,
      spec_version: SPEC_VERSION,
      id: stixId(type, o.signer.identityId, o.indicatorId),
      created: now,
      modified: now,
      created_by_ref: o.signer.identityId,
      object_marking_refs: [tlpMarking(o.tlp).id as string],
      ...fields,
    },
    o.signer,
  );
}

/** A member's verdict on someone else's indicator, e.g. "disagree: these are our university's researchers". */
export function makeOpinion(o: { signer: Signer; indicatorId: string; opinion: OpinionValue; explanation: string; tlp: TlpLevel; now: number }): StixObject {
  return aboutIndicator("opinion", o, { opinion: o.opinion, explanation: o.explanation.slice(0, 2000), object_refs: [o.indicatorId] });
}

/** "Seen here too": raises the indicator's confidence for every member that reads it. */
export function makeSighting(o: { signer: Signer; indicatorId: string; count: number; firstSeen: number; lastSeen: number; tlp: TlpLevel; now: number }): StixObject {
  return aboutIndicator("sighting", o, {
    sighting_of_ref: o.indicatorId,
    count: Math.max(1, Math.min(999_999_999, Math.round(o.count))),
    first_seen: isoMillis(o.firstSeen),
    last_seen: isoMillis(Math.max(o.firstSeen, o.lastSeen)),
    where_sighted_refs: [o.signer.identityId],
  });
}

import { createHash, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { IntelRecord } from "../core/index.js";
import { MemoryState } from "../gateway/index.js";
import type { Store } from "../store/index.js";
import { receiveObjects, type ReceiveResult } from "./receive.js";
import { tlpOf } from "./stix.js";

export const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
export const STIX_MEDIA_TYPE = "application/stix+json;version=2.1";

export interface TaxiiCollection {
  id: string;
  title: string;
  description?: string;
}

export interface TaxiiMember {
  name: string;
  /** sha256 hex of the member's bearer token; the token itself is never stored. */
  tokenSha256: string;
  read: readonly string[];
  write: readonly string[];
}

export interface TaxiiServerOptions {
  store: Store;
  title: string;
  collections: readonly TaxiiCollection[];
  members: readonly TaxiiMember[];
  /** Identity id → pinned key of members whose signed objects a POST may carry. */
  pinned: ReadonlyMap<string, KeyObject>;
  maxContentLength?: number;
  requestsPerMinute?: number;
  clock?: () => number;
  /** Where the app is mounted (discovery names the API root under it). */
  basePath?: string;
}

/** Objects in a collection are stored under this source. */
export const collectionSource = (id: string): string => `collection:${id}`;

const MAX_PAGE = 1000;
const MAX_STATUSES = 10_000;

const envelopeSchema = z.strictObject({ objects: z.array(z.unknown()).max(10_000), more: z.boolean().optional(), next: z.string().optional() });

type ErrorCode = 400 | 401 | 403 | 404 | 406 | 413 | 415 | 422 | 429;

/**
 * Mount at `/taxii2` (discovery there, the API root at `/taxii2/api1/`). TAXII 2.1 (discovery, one API root, collections, objects with added_after / limit / next /
 * match[] filters, manifest, versions, status) over the store's intel table. Every member has a
 * bearer token with per-collection read/write rights; tokens are compared in constant time.
 */
type TaxiiEnv = { Variables: { member: TaxiiMember } };

export function taxiiApp(o: TaxiiServerOptions): Hono<TaxiiEnv> {
  // Routes carry no trailing slash; mounted in a non-strict app, both spellings reach them.
  const app = new Hono<TaxiiEnv>({ strict: false });
  const clock = o.clock ?? Date.now;
  const maxContent = o.maxContentLength ?? 2 * 1024 * 1024;
  const limiter = new MemoryState(clock);
  const statuses = new Map<string, Record<string, unknown>>();
  const tokenDigests = o.members.map((m) => ({ member: m, digest: Buffer.from(m.tokenSha256, "hex") }));

  const taxiiJson = (c: Context, body: unknown, status: 200 | 202 = 200, headers: Record<string, string> = {}): Response =>
    c.body(JSON.stringify(body), status, { "content-type": TAXII_MEDIA_TYPE, ...headers });
  const error = (c: Context, status: ErrorCode, title: string, description: string, headers: Record<string, string> = {}): Response =>
    c.body(JSON.stringify({ title, description, http_status: String(status) }), status, { "content-type": TAXII_MEDIA_TYPE, ...headers });

  const memberOf = (c: Context): TaxiiMember | null => {
    const token = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token || token.length > 512) return null;
    const given = createHash("sha256").update(token).digest();
    let found: TaxiiMember | null = null;
    // Compare against every member so the time taken does not depend on which one matched.
    for (const t of tokenDigests) if (t.digest.length === given.length && timingSafeEqual(t.digest, given)) found = t.member;
    return found;
  };

  app.use("*", async (c, next) => {
    const member = memberOf(c);
    if (!member) return error(c, 401, "Unauthorized", "a valid bearer token is required", { "www-authenticate": 'Bearer realm="taxii"' });
    const limited = await limiter.reserve([{ key: member.name, rate: { requestsPerMinute: o.requestsPerMinute ?? 600, tokensPerMinute: 1e12 } }], 0);
    if (!limited.ok) return error(c, 429, "Too Many Requests", "rate limit exceeded", { "retry-after": String(Math.ceil(limited.retryAfterMs / 1000)) });
    const accept = c.req.header("accept");
    if (accept && !/application\/taxii\+json|\*\/\*|application\/\*/.test(accept)) return error(c, 406, "Not Acceptable", `accept ${TAXII_MEDIA_TYPE}`);
    c.set("member", member);
    await next();
  });
  const member = (c: Context<TaxiiEnv>): TaxiiMember => c.get("member");
  const collection = (c: Context<TaxiiEnv>, right: "read" | "write"): TaxiiCollection | Response => {
    const col = o.collections.find((x) => x.id === c.req.param("cid"));
    if (!col) return error(c, 404, "Not Found", "no such collection");
    const m = member(c);
    if (!m.read.includes(col.id) && !m.write.includes(col.id)) return error(c, 404, "Not Found", "no such collection");
    if (!m[right].includes(col.id)) return error(c, 403, "Forbidden", `no ${right} access to this collection`);
    return col;
  };

  app.get("/", (c) => taxiiJson(c, { title: o.title, default: `${o.basePath ?? "/taxii2"}/api1/`, api_roots: [`${o.basePath ?? "/taxii2"}/api1/`] }));
  app.get("/api1", (c) => taxiiJson(c, { title: `${o.title} API root`, versions: [TAXII_MEDIA_TYPE], max_content_length: maxContent }));
  app.get("/api1/status/:sid", (c) => {
    const s = statuses.get(c.req.param("sid"));
    return s ? taxiiJson(c, s) : error(c, 404, "Not Found", "no such status");
  });
  const describe = (col: TaxiiCollection, m: TaxiiMember): Record<string, unknown> => ({
    id: col.id,
    title: col.title,
    description: col.description,
    can_read: m.read.includes(col.id),
    can_write: m.write.includes(col.id),
    media_types: [STIX_MEDIA_TYPE],
  });
  app.get("/api1/collections", (c) => {
    const m = member(c);
    return taxiiJson(c, { collections: o.collections.filter((col) => m.read.includes(col.id) || m.write.includes(col.id)).map((col) => describe(col, m)) });
  });
  app.get("/api1/collections/:cid", (c) => {
    const col = collection(c, "read");
    return col instanceof Response ? col : taxiiJson(c, describe(col, member(c)));
  });

  /** One page of a collection's records, honouring added_after, limit, next and match[...] filters. */
  const page = async (c: Context<TaxiiEnv>, col: TaxiiCollection, ids?: string[]): Promise<{ records: IntelRecord[]; more: boolean; next?: string } | Response> => {
    const q = (k: string): string | undefined => c.req.query(k);
    const limit = Math.min(MAX_PAGE, Math.max(1, Number(q("limit") ?? 100) || 100));
    let addedAfter = -1;
    if (q("added_after")) {
      const t = Date.parse(q("added_after") as string);
      if (Number.isNaN(t)) return error(c, 400, "Bad Request", "added_after must be a timestamp");
      addedAfter = t;
    }
    let offset = 0;
    if (q("next")) {
      const m = /^(-?\d+)\.(\d+)$/.exec(q("next") as string);
      if (!m) return error(c, 400, "Bad Request", "next is not a token this server issued");
      addedAfter = Number(m[1]);
      offset = Number(m[2]);
    }
    const list = (k: string): string[] | undefined => q(k)?.split(",").map((s) => s.trim()).filter(Boolean).slice(0, 100);
    const matchIds = ids ?? list("match[id]");
    const types = list("match[type]");
    const version = q("match[version]") ?? (ids ? "all" : "last");
    const specVersions = list("match[spec_version]");
    if (specVersions && !specVersions.includes("2.1")) return { records: [], more: false };
    // Offset paging within one added_after window: ties on date_added never split or repeat.
    const fetched = await o.store.listIntel({ addedAfter, limit: offset + limit + 1, ids: matchIds, types, sources: [collectionSource(col.id)] });
    let records = fetched.slice(offset, offset + limit);
    const more = fetched.length > offset + limit;
    if (version !== "all") {
      const all = await o.store.listIntel({ ids: [...new Set(records.map((r) => r.id))], sources: [collectionSource(col.id)], limit: 100_000 });
      const pick = new Map<string, string>();
      for (const r of all) {
        const cur = pick.get(r.id);
        if (version === "first" ? !cur || r.modified < cur : !cur || r.modified > cur) pick.set(r.id, r.modified);
      }
      records = records.filter((r) => (version === "first" || version === "last" ? pick.get(r.id) === r.modified : r.modified === version));
    }
    return { records, more, next: more ? `${addedAfter}.${offset + limit}` : undefined };
  };
  const dateHeaders = (records: IntelRecord[]): Record<string, string> =>
    records.length === 0
      ? {}
      : { "x-taxii-date-added-first": new Date(records[0]?.addedAt ?? 0).toISOString(), "x-taxii-date-added-last": new Date(records.at(-1)?.addedAt ?? 0).toISOString() };

  const auditShared = async (m: TaxiiMember, records: IntelRecord[]): Promise<void> => {
    if (records.length === 0) return;
    const tlps = [...new Set(records.map((r) => tlpOf(r.object.object_marking_refs) ?? "none"))];
    await o.store.appendAudit({
      ts: clock(),
      actor: "taxii",
      kind: "intel.shared",
      subject: m.name,
      action: "serve",
      reasons: [`${records.length} objects served to ${m.name} under TLP ${tlps.join(", ")}`],
      detail: { ids: records.slice(0, 200).map((r) => `${r.id}@${r.modified}`), tlp: tlps },
    });
  };

  app.get("/api1/collections/:cid/objects", async (c) => {
    const col = collection(c, "read");
    if (col instanceof Response) return col;
    const p = await page(c, col);
    if (p instanceof Response) return p;
    await auditShared(member(c), p.records);
    return taxiiJson(c, { more: p.more, ...(p.next ? { next: p.next } : {}), objects: p.records.map((r) => r.object) }, 200, dateHeaders(p.records));
  });
  app.get("/api1/collections/:cid/objects/:oid", async (c) => {
    const col = collection(c, "read");
    if (col instanceof Response) return col;
    const p = await page(c, col, [c.req.param("oid")]);
    if (p instanceof Response) return p;
    if (p.records.length === 0) return error(c, 404, "Not Found", "no such object");
    await auditShared(member(c), p.records);
    return taxiiJson(c, { more: p.more, objects: p.records.map((r) => r.object) }, 200, dateHeaders(p.records));
  });
  app.get("/api1/collections/:cid/objects/:oid/versions", async (c) => {
    const col = collection(c, "read");
    if (col instanceof Response) return col;
    const p = await page(c, col, [c.req.param("oid")]);
    if (p instanceof Response) return p;
    if (p.records.length === 0) return error(c, 404, "Not Found", "no such object");
    return taxiiJson(c, { more: p.more, versions: p.records.map((r) => r.modified) }, 200, dateHeaders(p.records));
  });
  app.get("/api1/collections/:cid/manifest", async (c) => {
    const col = collection(c, "read");
    if (col instanceof Response) return col;
    const p = await page(c, col);
    if (p instanceof Response) return p;
    const objects = p.records.map((r) => ({ id: r.id, date_added: new Date(r.addedAt).toISOString(), version: r.modified, media_type: STIX_MEDIA_TYPE }));
    return taxiiJson(c, { more: p.more, ...(p.next ? { next: p.next } : {}), objects }, 200, dateHeaders(p.records));
  });

  app.post(
    "/api1/collections/:cid/objects",
    bodyLimit({ maxSize: maxContent, onError: (c) => error(c, 413, "Payload Too Large", `envelopes are limited to ${maxContent} bytes`) }),
    async (c) => {
      const col = collection(c, "write");
      if (col instanceof Response) return col;
      if (!(c.req.header("content-type") ?? "").startsWith("application/taxii+json")) return error(c, 415, "Unsupported Media Type", `send ${TAXII_MEDIA_TYPE}`);
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return error(c, 400, "Bad Request", "body is not JSON");
      }
      const env = envelopeSchema.safeParse(body);
      if (!env.success) return error(c, 422, "Unprocessable Entity", "body must be a TAXII envelope {\"objects\": [...]}");
      const m = member(c);
      const result: ReceiveResult = await receiveObjects(env.data.objects, { store: o.store, pinned: o.pinned, source: collectionSource(col.id), actor: `taxii:${m.name}`, now: clock() });
      const status = {
        id: randomUUID(),
        status: "complete",
        request_timestamp: new Date(clock()).toISOString(),
        total_count: env.data.objects.length,
        success_count: result.accepted.length + result.duplicates,
        successes: result.accepted.map((a) => ({ id: a.id, version: a.version })),
        failure_count: result.rejected.length,
        failures: result.rejected.map((r) => ({ id: r.id, ...(r.version ? { version: r.version } : {}), message: r.message })),
        pending_count: 0,
        pendings: [],
      };
      statuses.set(status.id, status);
      if (statuses.size > MAX_STATUSES) statuses.delete(statuses.keys().next().value as string);
      return taxiiJson(c, status, 202);
    },
  );
  app.all("*", (c) => error(c, 404, "Not Found", `no TAXII resource ${c.req.method} ${c.req.path}`));
  return app;
}

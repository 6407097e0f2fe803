import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../store/index.js";
import { exportClusters } from "./export.js";
import { Keyring, keyedHash } from "./keys.js";
import { receiveObjects } from "./receive.js";
import { signObject, verifyObject, type StixObject } from "./signing.js";
import { parsePattern, patternOf, sharedDefinitions, type IndicatorValue } from "./stix.js";
import { consortiumKeyring, makeMember, sampleCluster, schemaFor, SCHEMA_ROOT, stixValidator } from "./testing/fixtures.js";

const NOW = Date.UTC(2026, 10, 22, 12);

describe("STIX 2.1 export", () => {
  const a = makeMember("provider-a");
  const keyring = consortiumKeyring();
  const bundle = exportClusters([sampleCluster(), { ...sampleCluster(), id: "cl_2", flagged: false }], { identity: a.identity, keyring, signer: a.signer, tlp: "amber", now: NOW });
  let validator: ReturnType<typeof stixValidator>;
  beforeAll(() => {
    validator = stixValidator();
  });

  it("validates against the official STIX 2.1 JSON schemas, the bundle and every object", () => {
    expect(validator.validate("common/bundle", bundle)).toBeNull();
    for (const obj of bundle.objects) expect(validator.validate(schemaFor(obj.type), obj), `${obj.type} ${obj.id}`).toBeNull();
  });

  it("holds what an analyst at another provider needs: campaign, infrastructure, ATLAS pattern, indicators, relationships, TLP", () => {
    const types = bundle.objects.map((o) => o.type);
    for (const t of ["identity", "campaign", "infrastructure", "attack-pattern", "indicator", "relationship", "marking-definition", "x-hydra-keyed-hash"]) expect(types).toContain(t);
    // The custom observable declares the extension definition every member holds.
    const sco = bundle.objects.find((o) => o.type === "x-hydra-keyed-hash") as unknown as { extensions: Record<string, unknown> };
    expect(Object.keys(sco.extensions)).toContain(sharedDefinitions().find((d) => d.name === "hydrasentry keyed-hash observable")?.id);
    expect(types.filter((t) => t === "campaign")).toHaveLength(1); // only the flagged cluster
    const atlas = bundle.objects.find((o) => o.type === "attack-pattern") as unknown as { external_references: Array<{ external_id: string }> };
    expect(atlas.external_references[0]?.external_id).toBe("AML.T0024.002");
    const patterns = bundle.objects.filter((o) => o.type === "indicator").map((o) => o.pattern as string);
    expect(patterns).toContain("[ipv4-addr:value = '203.0.113.0/24']");
    expect(patterns).toContain("[ipv6-addr:value = '2001:db8:1::/48']");
    expect(patterns).toContain("[autonomous-system:number = 64500]");
    const card = patterns.find((p) => p.includes("'payment_fp'")) as string;
    expect(parsePattern(card)).toEqual({ kind: "keyed", idKind: "payment_fp", keyId: "k2026q4", hmac: keyedHash(keyring.current, "payment_fp", "pf_9a1c") });
    for (const ind of bundle.objects.filter((o) => o.type === "indicator")) {
      expect(ind.confidence as number).toBeGreaterThan(0);
      expect(ind.confidence as number).toBeLessThanOrEqual(100);
      expect(Date.parse(ind.valid_until as string)).toBeGreaterThan(Date.parse(ind.valid_from as string));
      expect(ind.object_marking_refs).toEqual(["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]);
    }
  });

  it("shares template families only when seen across at least k accounts", () => {
    const templates = bundle.objects.filter((o) => o.type === "indicator" && String(o.pattern).includes("'template'"));
    expect(templates).toHaveLength(1);
    // …and the family's keyed MinHash, so near-duplicates match too; the raw bins never appear.
    const near = bundle.objects.filter((o) => o.type === "indicator" && String(o.pattern).includes("'template_minhash'"));
    expect(near).toHaveLength(1);
    const raw = sampleCluster().indicators?.find((i) => i.minhash)?.minhash ?? [];
    expect(JSON.stringify(bundle)).not.toContain(raw.map((v) => v.toString(16).padStart(8, "0")).join(""));
  });

  it("never puts a raw identifier, account id or bare hash of one in any exported byte", () => {
    const bytes = JSON.stringify(bundle);
    const c = sampleCluster();
    const secrets = ["pf_9a1c", "e7d81f", "+15550100", "5550100", "a3f09c11", "rare-template", "ts_44b1", "t13d1516h2_8daaf6152771", "python-httpx", ...c.accounts, "acct_"];
    for (const s of secrets) expect(bytes, s).not.toContain(s);
    // Low-entropy values are never shared as bare unsalted hashes of any common kind.
    for (const s of secrets.slice(0, 8)) {
      for (const alg of ["sha256", "sha1", "md5"]) {
        const h = createHash(alg).update(s).digest("hex");
        expect(bytes).not.toContain(h);
        expect(bytes).not.toContain(h.slice(0, 16));
      }
    }
    // The keyed hash under another consortium key is different: only key holders can match.
    const other = new Keyring([{ id: "k2026q4", secret: Buffer.alloc(32, 9) }]);
    expect(bytes).not.toContain(keyedHash(other.current, "payment_fp", "pf_9a1c"));
  });

  it("signs every object it authors; tampering or a different key breaks the signature", () => {
    const pinned = new Map([[a.identity.id, a.publicKey]]);
    const own = bundle.objects.filter((o) => o.created_by_ref === a.identity.id || o.type === "x-hydra-keyed-hash");
    expect(own.length).toBeGreaterThan(10);
    for (const o of own) expect(verifyObject(o, pinned)).toEqual({ ok: true, signer: a.identity.id });
    const ind = own.find((o) => o.type === "indicator") as StixObject;
    expect(verifyObject({ ...ind, confidence: 100 }, pinned)).toEqual({ ok: false, reason: "bad signature" });
    const mallory = makeMember("mallory");
    expect(verifyObject(signObject(ind, { ...mallory.signer, identityId: a.identity.id }), pinned)).toEqual({ ok: false, reason: "bad signature" });
    const { extensions: _drop, ...unsigned } = ind;
    expect(verifyObject(unsigned as StixObject, pinned)).toEqual({ ok: false, reason: "unsigned" });
  });

  it("round-trips patterns", () => {
    const values: IndicatorValue[] = [
      { kind: "network", cidrs: ["198.51.100.0/24"], asns: [] },
      { kind: "network", cidrs: ["2001:db8:1::/48"], asns: [] },
      { kind: "network", cidrs: [], asns: [4200000001] },
      { kind: "network", cidrs: ["198.51.100.7/32", "2001:db8::/32"], asns: [64500] },
      { kind: "keyed", idKind: "email_hash", keyId: "k.1", hmac: "ab".repeat(32) },
    ];
    for (const v of values) expect(parsePattern(patternOf(v))).toEqual(v);
  });

  it("reads the address indicators other tools write: bare addresses, any prefix, ISSUBSET, OR-lists", () => {
    const cases: Array<[string, Partial<IndicatorValue>]> = [
      ["[ipv4-addr:value = '198.51.100.7']", { cidrs: ["198.51.100.7/32"], asns: [] }],
      ["[ipv4-addr:value ISSUBSET '198.51.100.0/22']", { cidrs: ["198.51.100.0/22"] }],
      ["[ipv4-addr:value = '198.51.100.77/24']", { cidrs: ["198.51.100.0/24"] }],
      ["[ipv6-addr:value = '2001:DB8:0:1::/64']", { cidrs: ["2001:db8:0:1::/64"] }],
      ["[ipv6-addr:value = '::ffff:198.51.100.7']", { cidrs: ["198.51.100.7/32"] }],
      ["[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.9']", { cidrs: ["198.51.100.1/32", "203.0.113.9/32"] }],
      ["[ipv4-addr:value = '198.51.100.1'] OR [autonomous-system:number = 64500]", { cidrs: ["198.51.100.1/32"], asns: [64500] }],
      ["  [ipv4-addr:value  =  '198.51.100.1']  ", { cidrs: ["198.51.100.1/32"] }],
    ];
    for (const [pattern, expected] of cases) expect(parsePattern(pattern), pattern).toMatchObject({ kind: "network", ...expected });
  });

  it("does not read what it could only half act on, or what is malformed", () => {
    for (const pattern of [
      "[ipv4-addr:value = '1.2.3.4/32'] OR [file:name = 'x']",
      "[ipv4-addr:value = '1.2.3.4'] AND [autonomous-system:number = 64500]",
      "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '5.6.7.8']",
      "[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS",
      "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '5.6.7.8']",
      "[ipv4-addr:value = '2001:db8::1']",
      "[ipv6-addr:value = '1.2.3.4']",
      "[ipv4-addr:value = '1.2.3.4/33']",
      "[ipv4-addr:value = '999.2.3.4']",
      "[ipv4-addr:value != '1.2.3.4']",
      "[autonomous-system:number = 99999999999]",
      "[network-traffic:dst_port = 443]",
      `[${Array.from({ length: 300 }, (_, i) => `ipv4-addr:value = '10.0.${i >> 8}.${i & 255}'`).join(" OR ")}]`,
    ]) {
      expect(parsePattern(pattern), pattern).toBeNull();
    }
  });

  it("shared definitions are valid STIX too", () => {
    for (const d of sharedDefinitions()) expect(validator.validate(schemaFor(d.type as string), d), d.id as string).toBeNull();
  });
});

describe("reading third-party STIX", () => {
  it("reads every OASIS example without loss", async () => {
    const store = await openStore(":memory:");
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".json")) files.push(p);
      }
    };
    walk(join(SCHEMA_ROOT, "examples"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    let total = 0;
    for (const f of files) {
      const parsed = JSON.parse(readFileSync(f, "utf8")) as StixObject & { objects?: StixObject[] };
      const bundle = { objects: parsed.type === "bundle" ? (parsed.objects ?? []) : [parsed] };
      const r = await receiveObjects(bundle.objects, { store, pinned: new Map(), source: `file:${f}`, actor: "test", allowUnsigned: true });
      expect(r.rejected, f).toEqual([]);
      total += bundle.objects.length;
      for (const obj of bundle.objects) {
        const [stored] = await store.listIntel({ ids: [obj.id], limit: 10 });
        expect(stored?.object, `${f} ${obj.id}`).toEqual(obj);
      }
    }
    expect(total).toBeGreaterThan(50);
    await store.close();
  });
});
